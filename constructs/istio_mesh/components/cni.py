"""The Istio CNI node agent (the ``cni`` chart)."""

from __future__ import annotations

from istio_mesh.components.base import IstioBase
from istio_mesh.components.release import istio_release
from istio_mesh.config.models import MeshConfig
from istio_mesh.terraform import Construct
from istio_mesh.values import cni_values


class IstioCni(Construct):
    """Installed after base and before istiod.

    Once istiod's injector answers, new pods are injected without the
    istio-init container and rely on the CNI agent for traffic redirection; a
    pod scheduled before the agent runs would start without it. Installing
    the agent first, and waiting for its DaemonSet, closes that window.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, config: MeshConfig, base: IstioBase
    ) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.release = istio_release(
            self,
            "release",
            config=config,
            chart="cni",
            name="istio-cni",
            namespace=config.cni.namespace,
            values=cni_values(config),
            depends_on=[base.release],
        )

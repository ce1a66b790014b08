"""The Istio CNI node agent (the ``cni`` chart)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from istio_mesh.components.base import IstioBase
from istio_mesh.components.release import istio_release
from istio_mesh.config.models import MeshConfig
from istio_mesh.terraform import Construct
from istio_mesh.values import cni_values

if TYPE_CHECKING:
    from istio_mesh.components.istiod import Istiod


class IstioCni(Construct):
    """Sidecar mode: installed after base and before istiod. Ambient: after istiod.

    With sidecars, once istiod's injector answers, new pods are injected
    without the istio-init container and rely on the CNI agent for traffic
    redirection; a pod scheduled before the agent runs would start without
    it, so the agent goes first. Istio's ambient install instead runs base,
    istiod, cni, ztunnel in that order: pass the istiods as ``after``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        base: IstioBase,
        after: Sequence[Istiod] = (),
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
            depends_on=[base.release, *(istiod.release for istiod in after)],
        )

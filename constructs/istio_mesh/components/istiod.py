"""The control plane (the ``istiod`` chart)."""

from __future__ import annotations

from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
from istio_mesh.components.release import istio_release
from istio_mesh.config.models import MeshConfig
from istio_mesh.terraform import Construct
from istio_mesh.values import istiod_values


class Istiod(Construct):
    """istiod and its injection and validation webhooks.

    Follows ``base`` (it serves the CRDs' kinds) and, when given, ``cni``
    (see :class:`IstioCni`).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        base: IstioBase,
        cni: IstioCni | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if config.cni.enabled and cni is None:
            raise ValueError("config enables cni: pass the IstioCni construct as cni=")
        self.config = config
        upstream = [base.release] + ([cni.release] if cni is not None else [])
        self.release = istio_release(
            self,
            "release",
            config=config,
            chart="istiod",
            name="istiod",
            namespace=config.istio_namespace,
            values=istiod_values(config),
            depends_on=upstream,
        )

"""The ambient node proxy (the ``ztunnel`` chart)."""

from __future__ import annotations

from istio_mesh.components.cni import IstioCni
from istio_mesh.components.istiod import Istiod
from istio_mesh.components.release import istio_release
from istio_mesh.config.models import MeshConfig
from istio_mesh.terraform import Construct
from istio_mesh.values import ztunnel_values


class Ztunnel(Construct):
    """Last of Istio's ambient install order (base, istiod, cni, ztunnel).

    ztunnel gets its certificates and workload config from ``istiod``, so its
    DaemonSet only becomes ready once that istiod runs; the CNI agent must be
    in place first to hand it each enrolled pod's traffic.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        istiod: Istiod,
        cni: IstioCni,
    ) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.release = istio_release(
            self,
            "release",
            config=config,
            chart="ztunnel",
            name="ztunnel",
            namespace=config.istio_namespace,
            values=ztunnel_values(config, istiod.plane),
            depends_on=[istiod.release, cni.release],
        )

"""The control plane (the ``istiod`` chart), one release per revision."""

from __future__ import annotations

from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
from istio_mesh.components.multicluster import ClusterNetwork
from istio_mesh.components.plugin_ca import PluginCaCerts
from istio_mesh.components.release import istio_release
from istio_mesh.config.control_planes import ControlPlane
from istio_mesh.config.models import MeshConfig
from istio_mesh.terraform import Construct, HelmRelease, ITerraformDependable
from istio_mesh.values import istiod_values


class Istiod(Construct):
    """One istiod revision and its injection and validation webhooks.

    Follows ``base`` (it serves the CRDs' kinds), in sidecar mode with CNI
    ``cni`` (see :class:`IstioCni`), and ``ca_certs`` when the CA is plugged
    in (see :class:`PluginCaCerts`), and ``network`` in a multicluster mesh
    (see :class:`ClusterNetwork`). Revisions are independent releases
    (``istiod-<revision>``) so one can be added or removed without touching
    another; in ambient mode the CNI agent follows istiod instead.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        plane: ControlPlane,
        base: IstioBase,
        cni: IstioCni | None = None,
        ca_certs: PluginCaCerts | None = None,
        network: ClusterNetwork | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        cni_first = config.cni.enabled and config.istio.profile != "ambient"
        if cni_first and cni is None:
            raise ValueError("config enables cni in sidecar mode: pass the IstioCni construct as cni=")
        if config.ca.mode == "plugin" and ca_certs is None:
            raise ValueError("config plugs in a CA: pass the PluginCaCerts construct as ca_certs=")
        self.config = config
        self.plane = plane
        upstream: list[ITerraformDependable] = [base.release]
        upstream += [cni.release] if cni is not None else []
        upstream += [ca_certs.secret] if ca_certs is not None else []
        upstream += network.resources if network is not None else []
        self.release: HelmRelease = istio_release(
            self,
            "release",
            config=config,
            chart="istiod",
            name=plane.release_name,
            namespace=config.istio_namespace,
            values=istiod_values(config, plane),
            depends_on=upstream,
            version=plane.version,
        )

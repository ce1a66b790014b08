"""The control plane (the ``istiod`` chart)."""

from __future__ import annotations

from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
from istio_mesh.components.plugin_ca import PluginCaCerts
from istio_mesh.components.release import istio_release
from istio_mesh.config.models import MeshConfig
from istio_mesh.terraform import Construct, ITerraformDependable
from istio_mesh.values import istiod_values


class Istiod(Construct):
    """istiod and its injection and validation webhooks.

    Follows ``base`` (it serves the CRDs' kinds) and, when given, ``cni``
    (see :class:`IstioCni`) and ``ca_certs`` (see :class:`PluginCaCerts`).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        base: IstioBase,
        cni: IstioCni | None = None,
        ca_certs: PluginCaCerts | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if config.cni.enabled and cni is None:
            raise ValueError("config enables cni: pass the IstioCni construct as cni=")
        if config.ca.mode == "plugin" and ca_certs is None:
            raise ValueError("config plugs in a CA: pass the PluginCaCerts construct as ca_certs=")
        self.config = config
        upstream: list[ITerraformDependable] = [base.release]
        upstream += [cni.release] if cni is not None else []
        upstream += [ca_certs.secret] if ca_certs is not None else []
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

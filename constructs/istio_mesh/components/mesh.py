"""The whole mesh as one construct, for any stack (ours or a consumer's)."""

from __future__ import annotations

from typing import Any

from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
from istio_mesh.components.gateway import IstioGateway
from istio_mesh.components.istiod import Istiod
from istio_mesh.config.models import MeshConfig
from istio_mesh.outputs import mesh_outputs
from istio_mesh.terraform import Construct, HelmRelease, TerraformProvider


class IstioMesh(Construct):
    """base -> (cni) -> istiod -> gateways, the gateways in parallel.

    Holds Helm releases only; the stack it lives in supplies the Helm
    provider (and state backend), so a platform team can put the mesh next to
    its own resources. ``provider`` picks an aliased Helm provider; without
    it, the stack's default one is used. The config's ``connection`` and
    ``backend`` are not read here: they belong to whoever builds the stack
    (see :class:`istio_mesh.stacks.MeshStack`).

    Istio custom resources do not belong in the same stack on a fresh
    cluster: ``kubernetes_manifest`` needs the CRDs at plan time. Put
    :class:`IstioPolicies` in a stack that depends on this one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.base = IstioBase(self, "base", config=config)
        self.cni = IstioCni(self, "cni", config=config, base=self.base) if config.cni.enabled else None
        self.istiod = Istiod(self, "istiod", config=config, base=self.base, cni=self.cni)
        self.gateways = [
            IstioGateway(self, f"gateway-{g.name}", config=config, gateway=g, istiod=self.istiod)
            for g in config.gateways
        ]
        if provider is not None:
            for release in self.releases:
                release.provider = provider

    @property
    def releases(self) -> list[HelmRelease]:
        """Every Helm release of the mesh, in construct order."""
        return [c for c in self.node.find_all() if isinstance(c, HelmRelease)]

    @property
    def outputs(self) -> dict[str, Any]:
        """What the mesh stack publishes as outputs, for use in the same app
        without remote state: ``ingress_gateways``, ``istiod_revisions``,
        ``mesh_id``, ``root_namespace`` (see :mod:`istio_mesh.outputs`)."""
        return {output.name: output.value for output in mesh_outputs(self.config)}

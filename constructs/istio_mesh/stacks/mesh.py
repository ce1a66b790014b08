"""``<name>-mesh``: Istio's Helm releases, in dependency order."""

from __future__ import annotations

from istio_mesh.components import IstioBase, IstioCni, IstioGateway, Istiod
from istio_mesh.components.upgrade_guard import VERSIONS_OUTPUT, InstalledVersions, UpgradeGuard
from istio_mesh.config.models import MeshConfig
from istio_mesh.stacks.connection import cluster_access
from istio_mesh.stacks.state import local_state, previous_outputs
from istio_mesh.terraform import Construct, HelmProvider, HelmProviderKubernetes, TerraformStack


class MeshStack(TerraformStack):
    """base -> (cni) -> istiod -> gateways, the gateways in parallel.

    istiod also waits for its upgrade guard, which refuses at plan time an
    in-place change of more than one Istio minor version.

    Only the Helm provider lives here: Istio custom resources go to the
    policies stack, which is planned after this one has been applied.
    """

    def __init__(self, scope: Construct, stack_id: str, *, config: MeshConfig) -> None:
        super().__init__(scope, stack_id)
        self.config = config
        local_state(self, stack_id)
        access = cluster_access(self, config.connection)
        HelmProvider(
            self,
            "helm",
            kubernetes=HelmProviderKubernetes(
                config_path=access.config_path,
                config_context=access.config_context,
                host=access.host,
                cluster_ca_certificate=access.cluster_ca_certificate,
                token=access.token,
            ),
        )
        self.base = IstioBase(self, "base", config=config)
        self.cni = IstioCni(self, "cni", config=config, base=self.base) if config.cni.enabled else None
        self.istiod = Istiod(self, "istiod", config=config, base=self.base, cni=self.cni)
        previous = previous_outputs(self, stack_id, defaults={VERSIONS_OUTPUT: {}})
        self.installed_versions = InstalledVersions(
            self, "installed-versions", previous_versions=previous.get(VERSIONS_OUTPUT)
        )
        self.upgrade_guards = [
            UpgradeGuard(
                self,
                "upgrade-guard-istiod",
                release=self.istiod.release,
                version=config.istio.version,
                installed=self.installed_versions,
            )
        ]
        self.gateways = [
            IstioGateway(self, f"gateway-{g.name}", config=config, gateway=g, istiod=self.istiod)
            for g in config.gateways
        ]

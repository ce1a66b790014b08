"""``<name>-mesh``: Istio's Helm releases, in dependency order."""

from __future__ import annotations

from istio_mesh.components import IstioBase, IstioCni, IstioGateway, Istiod, PluginCaCerts
from istio_mesh.config.models import MeshConfig
from istio_mesh.stacks.connection import cluster_access
from istio_mesh.stacks.state import local_state
from istio_mesh.terraform import (
    Construct,
    HelmProvider,
    HelmProviderKubernetes,
    KubernetesProvider,
    TerraformStack,
)


class MeshStack(TerraformStack):
    """base -> (cni) -> istiod -> gateways, the gateways in parallel.

    Istio custom resources go to the policies stack, which is planned after
    this one has been applied. The Kubernetes provider is added only for a
    plug-in CA, whose ``cacerts`` secret istiod must find when it starts.
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
        self.ca_certs: PluginCaCerts | None = None
        if config.ca.mode == "plugin":
            KubernetesProvider(
                self,
                "kubernetes",
                config_path=access.config_path,
                config_context=access.config_context,
                host=access.host,
                cluster_ca_certificate=access.cluster_ca_certificate,
                token=access.token,
            )
        self.base = IstioBase(self, "base", config=config)
        self.cni = IstioCni(self, "cni", config=config, base=self.base) if config.cni.enabled else None
        if config.ca.mode == "plugin":
            self.ca_certs = PluginCaCerts(self, "plugin-ca", config=config, base=self.base)
            # Ephemeral variables and write-only attributes: older Terraform
            # would fail on them with a less helpful message.
            self.add_override("terraform.required_version", ">= 1.11")
        self.istiod = Istiod(
            self, "istiod", config=config, base=self.base, cni=self.cni, ca_certs=self.ca_certs
        )
        self.gateways = [
            IstioGateway(self, f"gateway-{g.name}", config=config, gateway=g, istiod=self.istiod)
            for g in config.gateways
        ]

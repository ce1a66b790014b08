"""``<name>-mesh``: Istio's Helm releases, in dependency order."""

from __future__ import annotations

from istio_mesh.components import IstioMesh, MeshOutputs
from istio_mesh.components.mesh import needs_kubernetes_provider
from istio_mesh.components.upgrade_guard import VERSIONS_OUTPUT, InstalledVersions, UpgradeGuard
from istio_mesh.config.backend import LocalBackend as LocalStateSettings
from istio_mesh.config.models import MeshConfig
from istio_mesh.provider_dialect import require_provider_version
from istio_mesh.stacks.connection import cluster_access, kubernetes_provider
from istio_mesh.stacks.state import previous_outputs, state_backend
from istio_mesh.terraform import (
    Construct,
    HelmProvider,
    HelmProviderKubernetes,
    HelmProviderKubernetesExec,
    TerraformStack,
)


class MeshStack(TerraformStack):
    """:class:`IstioMesh` with the config's state backend, provider
    credentials and the outputs other stacks read.

    The Helm provider, and a Kubernetes provider only for revision tags
    (webhooks and Services, built-in kinds) or a plug-in CA's ``cacerts``
    secret: Istio custom resources go to the policies stack, planned after
    this one is applied.

    With local state, each istiod revision also waits for its upgrade guard,
    which refuses at plan time an in-place change of more than one Istio
    minor version; it reads the stack's own last state back, which is wired
    for the local backend only so far.
    """

    def __init__(self, scope: Construct, stack_id: str, *, config: MeshConfig) -> None:
        super().__init__(scope, stack_id)
        self.config = config
        state_backend(self, config.backend, kind="mesh", stack_name=stack_id)
        access = cluster_access(self, config.connection)
        exec_credential = access.exec
        provider = HelmProvider(
            self,
            "helm",
            kubernetes=HelmProviderKubernetes(
                config_path=access.config_path,
                config_context=access.config_context,
                host=access.host,
                cluster_ca_certificate=access.cluster_ca_certificate,
                token=access.token,
                exec=HelmProviderKubernetesExec(
                    api_version=exec_credential.api_version,
                    command=exec_credential.command,
                    args=list(exec_credential.args) or None,
                )
                if exec_credential
                else None,
            ),
        )
        require_provider_version(provider, "helm")
        if exec_credential and exec_credential.env:
            # cdktf 0.21 rewrites the keys of a provider's maps in snake_case
            # (AWS_PROFILE -> aws_profile); an override keeps them as written.
            provider.add_override("kubernetes.exec.env", exec_credential.env)
        if needs_kubernetes_provider(config):
            kubernetes_provider(self, access)
        self.mesh = IstioMesh(self, "istio", config=config)
        self.base, self.cni, self.istiod = self.mesh.base, self.mesh.cni, self.mesh.istiod
        self.gateways = self.mesh.gateways
        self.outputs = MeshOutputs(self, "outputs", mesh=self.mesh)
        self.upgrade_guards: list[UpgradeGuard] = []
        if isinstance(config.backend, LocalStateSettings):
            previous = previous_outputs(self, stack_id, defaults={VERSIONS_OUTPUT: {}})
            self.installed_versions = InstalledVersions(
                self, "installed-versions", previous_versions=previous.get(VERSIONS_OUTPUT)
            )
            self.upgrade_guards = [
                UpgradeGuard(
                    self,
                    f"upgrade-guard-{istiod.plane.release_name}",
                    release=istiod.release,
                    version=istiod.plane.version,
                    installed=self.installed_versions,
                )
                for istiod in self.mesh.istiods.values()
            ]

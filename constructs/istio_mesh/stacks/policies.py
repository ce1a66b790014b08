"""``<name>-policies``: Istio policy and namespace onboarding, after the mesh."""

from __future__ import annotations

from istio_mesh.components import IstioPolicies
from istio_mesh.config.models import MeshConfig
from istio_mesh.stacks.connection import cluster_access
from istio_mesh.stacks.mesh import MeshStack
from istio_mesh.stacks.state import state_backend
from istio_mesh.terraform import Construct, KubernetesProvider, KubernetesProviderExec, TerraformStack


class PoliciesStack(TerraformStack):
    """:class:`IstioPolicies` with the config's state backend and Kubernetes
    provider credentials; depends on the mesh stack, so
    ``cdktf deploy '<name>-*'`` applies it second.

    ``kubernetes_manifest`` needs its CRD at plan time
    (hashicorp/terraform-provider-kubernetes#1367): on a fresh cluster these
    resources can only be planned once the mesh stack has installed the CRDs.
    Namespaces are onboarded here too, after istiod's injector exists, so no
    pod in them starts without its sidecar.
    """

    def __init__(
        self, scope: Construct, stack_id: str, *, config: MeshConfig, mesh: MeshStack
    ) -> None:
        super().__init__(scope, stack_id)
        self.config = config
        self.add_dependency(mesh)
        state_backend(self, config.backend, kind="policies", stack_name=stack_id)
        access = cluster_access(self, config.connection)
        exec_credential = access.exec
        provider = KubernetesProvider(
            self,
            "kubernetes",
            config_path=access.config_path,
            config_context=access.config_context,
            host=access.host,
            cluster_ca_certificate=access.cluster_ca_certificate,
            token=access.token,
            exec=[
                KubernetesProviderExec(
                    api_version=exec_credential.api_version,
                    command=exec_credential.command,
                    args=list(exec_credential.args) or None,
                )
            ]
            if exec_credential
            else None,
        )
        if exec_credential and exec_credential.env:
            # As in MeshStack: keep the environment variable names as written.
            provider.add_override("exec.0.env", exec_credential.env)
        self.policies = IstioPolicies(self, "policies", config=config)
        self.namespaces = self.policies.namespaces
        self.peer_authentications = self.policies.peer_authentications

"""``<name>-policies``: Istio policy and namespace onboarding, after the mesh."""

from __future__ import annotations

from istio_mesh.components import MeshNamespace, PeerAuthentication
from istio_mesh.components.protection import DestroyProtection
from istio_mesh.config.models import MeshConfig
from istio_mesh.policy.manifests import mtls_policies
from istio_mesh.stacks.connection import cluster_access
from istio_mesh.stacks.mesh import MeshStack
from istio_mesh.stacks.state import local_state
from istio_mesh.terraform import Construct, KubernetesProvider, TerraformStack


class PoliciesStack(TerraformStack):
    """Depends on the mesh stack, so ``cdktf deploy '<name>-*'`` applies it second.

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
        local_state(self, stack_id)
        access = cluster_access(self, config.connection)
        KubernetesProvider(
            self,
            "kubernetes",
            config_path=access.config_path,
            config_context=access.config_context,
            host=access.host,
            cluster_ca_certificate=access.cluster_ca_certificate,
            token=access.token,
        )
        self.protection = (
            DestroyProtection(self, "destroy-protection")
            if config.protection.prevent_destroy
            else None
        )
        self.namespaces = {
            ns.name: MeshNamespace(self, f"namespace-{ns.name}", namespace=ns)
            for ns in config.namespaces
        }
        self.peer_authentications = []
        for namespace, mode in mtls_policies(config):
            onboarded = self.namespaces.get(namespace)
            self.peer_authentications.append(
                PeerAuthentication(
                    self,
                    f"peer-authentication-{namespace}",
                    namespace=namespace,
                    mode=mode,
                    depends_on=[onboarded.resource] if onboarded else (),
                )
            )

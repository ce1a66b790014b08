"""``<name>-policies``: Istio policy and namespace onboarding, after the mesh."""

from __future__ import annotations

from istio_mesh.components import IstioPolicies
from istio_mesh.components.protection import DestroyProtection
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan import ClusterPlan
from istio_mesh.stacks.connection import cluster_access, kubernetes_provider
from istio_mesh.stacks.mesh import MeshStack
from istio_mesh.stacks.state import state_backend
from istio_mesh.runtime.terraform import Construct, TerraformStack


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
        self,
        scope: Construct,
        stack_id: str,
        *,
        config: MeshConfig,
        mesh: MeshStack,
        plan: ClusterPlan | None = None,
    ) -> None:
        super().__init__(scope, stack_id)
        self.config = config
        self.add_dependency(mesh)
        state_backend(self, config.backend, kind="policies", stack_name=stack_id)
        access = cluster_access(self, config.connection)
        kubernetes_provider(self, access)
        self.protection = (
            DestroyProtection(self, "destroy-protection")
            if config.protection.prevent_destroy
            else None
        )
        self.plan = plan if plan is not None else mesh.plan
        self.policies = IstioPolicies(self, "policies", plan=self.plan)
        self.namespaces = self.policies.namespaces
        self.peer_authentications = self.policies.peer_authentications
        self.waypoints = self.policies.waypoints
        self.authorization = self.policies.authorization
        self.egress = self.policies.egress
        self.sidecar_scope = self.policies.sidecar_scope
        self.extra_resources = self.policies.extra_resources

"""Mesh policy and namespace onboarding as one construct, for any stack."""

from __future__ import annotations

from istio_mesh.components.authorization import AuthorizationPolicies
from istio_mesh.components.cross_network import CrossNetworkGateways
from istio_mesh.components.egress import EgressControl
from istio_mesh.components.extra_resources import ExtraResources
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.components.peer_authentication import PeerAuthentication
from istio_mesh.components.sidecar_scope import SidecarScope
from istio_mesh.components.waypoint import Waypoint
from istio_mesh.config.models import MeshConfig
from istio_mesh.policy.manifests import mtls_policies
from istio_mesh.terraform import Construct, TerraformProvider, TerraformResource


class IstioPolicies(Construct):
    """Namespaces onboarded to the mesh, their PeerAuthentication policies,
    the waypoints of ambient namespaces, and the security pack:
    AuthorizationPolicies, egress control, Sidecar scoping, extra Istio
    resources and a multicluster mesh's cross-network Gateways.

    Uses the stack's Kubernetes provider, or ``provider`` (an aliased one).
    Its stack must be applied after the one holding :class:`IstioMesh`:
    ``kubernetes_manifest`` reads the CRDs at plan time
    (hashicorp/terraform-provider-kubernetes#1367), and a namespace labelled
    for injection before istiod's injector answers starts pods without
    sidecars.
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
        self.waypoints = [
            Waypoint(
                self,
                f"waypoint-{ns.name}",
                namespace=ns.name,
                depends_on=[self.namespaces[ns.name].resource],
            )
            for ns in config.namespaces
            if ns.waypoint
        ]
        self.authorization = AuthorizationPolicies(
            self, "authorization", config=config, namespaces=self.namespaces
        )
        self.egress = EgressControl(self, "egress", config=config, namespaces=self.namespaces)
        self.sidecar_scope = SidecarScope(
            self, "sidecar-scope", config=config, namespaces=self.namespaces
        )
        self.extra_resources = ExtraResources(
            self, "extra-resources", config=config, namespaces=self.namespaces
        )
        self.cross_network = CrossNetworkGateways(
            self, "cross-network", config=config, namespaces=self.namespaces
        )
        if provider is not None:
            for resource in self.node.find_all():
                if isinstance(resource, TerraformResource):
                    resource.provider = provider

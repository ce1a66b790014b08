"""Mesh policy and namespace onboarding as one construct, for any stack."""

from __future__ import annotations

from typing import Self

from istio_mesh.components.authorization import AuthorizationPolicies
from istio_mesh.components.cross_network import CrossNetworkGateways
from istio_mesh.components.egress import EgressControl
from istio_mesh.components.extra_resources import ExtraResources
from istio_mesh.components.gateway_api import GatewayApiIngress
from istio_mesh.components.manifest import IstioManifest
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.components.observability import ObservabilityResources
from istio_mesh.components.peer_authentication import PeerAuthentication
from istio_mesh.components.sidecar_scope import SidecarScope
from istio_mesh.components.telemetry import PrometheusMonitors, TelemetryResources
from istio_mesh.components.upstream import Rendered
from istio_mesh.components.waypoint import Waypoint
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan import ClusterPlan, cluster_plan
from istio_mesh.plan.items import ManifestItem
from istio_mesh.runtime.terraform import Construct, TerraformProvider


class IstioPolicies(Construct):
    """Namespaces onboarded to the mesh, their PeerAuthentication policies,
    the waypoints of ambient namespaces, and the security pack:
    AuthorizationPolicies, egress control, Sidecar scoping, extra Istio
    resources, a multicluster mesh's cross-network Gateways, Telemetry
    resources, prometheus-operator monitors, the observability section's
    monitors, alert rules and dashboards, and Gateway API ingress (Gateways
    of class istio and their HTTPRoutes).

    Renders the policies part of a cluster's plan
    (:func:`istio_mesh.plan.cluster_plan`), in plan order: the namespaces
    first, then PeerAuthentications, waypoints, authorization, egress,
    Sidecars, extra resources, cross-network Gateways, Telemetry, monitors,
    observability and Gateway API ingress, each item after the objects it
    names. Its stack
    must be applied after the one holding :class:`IstioMesh`:
    ``kubernetes_manifest`` reads the CRDs at plan time
    (hashicorp/terraform-provider-kubernetes#1367), and a namespace labelled
    for injection before istiod's injector answers starts pods without
    sidecars.

    Keyword arguments:
        plan: the cluster's plan, ``cluster_plan(config)`` (required), the
            same one :class:`IstioMesh` renders. Holding a config instead,
            use :meth:`from_config`.
        provider: an aliased Kubernetes provider. Default: the stack's
            default one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        plan: ClusterPlan,
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.plan = plan
        policies = plan.policies
        rendered = Rendered(self)
        self.namespaces: dict[str, MeshNamespace] = {}
        for namespace in policies.namespaces:
            onboarded = MeshNamespace(
                self, f"namespace-{namespace.name}", namespace=namespace, provider=provider
            )
            rendered.add(namespace.address, onboarded.resource)
            self.namespaces[namespace.name] = onboarded

        def single(kind: type[IstioManifest], item: ManifestItem) -> IstioManifest:
            rendered_item = kind(
                self, item.name, item=item, after=rendered.upstream(item.after), provider=provider
            )
            rendered.add(item.address, rendered_item.resource)
            return rendered_item

        self.peer_authentications = [
            single(PeerAuthentication, item) for item in policies.peer_authentications
        ]
        self.waypoints = [single(Waypoint, item) for item in policies.waypoints]
        self.authorization = AuthorizationPolicies(
            self, "authorization", items=policies.authorization, rendered=rendered, provider=provider
        )
        self.egress = EgressControl(
            self, "egress", items=policies.egress, rendered=rendered, provider=provider
        )
        self.sidecar_scope = SidecarScope(
            self, "sidecar-scope", items=policies.sidecars, rendered=rendered, provider=provider
        )
        self.extra_resources = ExtraResources(
            self, "extra-resources", items=policies.extra_resources, rendered=rendered, provider=provider
        )
        self.cross_network = CrossNetworkGateways(
            self, "cross-network", items=policies.cross_network, rendered=rendered, provider=provider
        )
        self.telemetry = TelemetryResources(
            self, "telemetry", items=policies.telemetry, rendered=rendered, provider=provider
        )
        self.monitors = PrometheusMonitors(
            self, "monitors", items=policies.monitors, rendered=rendered, provider=provider
        )
        self.observability = ObservabilityResources(
            self, "observability", items=policies.observability, rendered=rendered, provider=provider
        )
        self.gateway_api = GatewayApiIngress(
            self, "gateway-api", items=policies.gateway_api, rendered=rendered, provider=provider
        )

    @classmethod
    def from_config(
        cls,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        provider: TerraformProvider | None = None,
    ) -> Self:
        """The policies of ``config``: ``IstioPolicies(scope, construct_id,
        plan=cluster_plan(config), provider=provider)``."""
        return cls(scope, construct_id, plan=cluster_plan(config), provider=provider)

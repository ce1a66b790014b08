"""Ingress, egress and east-west gateways (gateway chart), and the labels the
chart gives their pods, which policies select them by."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from istio_mesh.config.base import Annotations, DnsLabel, MeshModel, ResourceList, Resources
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.gateway_api import (
    GatewayListener,
    HttpRouteSettings,
    check_gateway_api_gateway,
    gateway_api_pod_labels,
    gateway_api_service_account,
)
from istio_mesh.config.placement import Placement
from istio_mesh.config.scaling import Autoscaling, Spread, check_ceiling

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig

# The gateway chart's default container limits (gateway/values.yaml). Helm
# deep-merges our requests into them, so a request above them makes every
# gateway pod invalid unless limits are raised too.
GATEWAY_CHART_LIMITS = ResourceList(cpu="2000m", memory="1024Mi")



class ServicePort(MeshModel):
    """One port of a gateway Service."""

    name: DnsLabel = Field(description="Port name; Istio infers the protocol from its prefix.")
    port: int = Field(ge=1, le=65535, description="Service port.")
    target_port: int | None = Field(
        default=None, ge=1, le=65535, description="Container port. Unset: same as port."
    )
    protocol: Literal["TCP", "UDP", "SCTP"] = Field(default="TCP", description="L4 protocol.")


def _default_ports() -> tuple[ServicePort, ...]:
    return (
        ServicePort(name="status-port", port=15021),
        ServicePort(name="http2", port=80),
        ServicePort(name="https", port=443),
    )


class GatewayService(MeshModel):
    """The Kubernetes Service in front of a gateway."""

    type: Literal["LoadBalancer", "NodePort", "ClusterIP"] | None = Field(
        default=None,
        description=(
            "Service type. Unset: LoadBalancer for ingress and eastwest, ClusterIP for egress. "
            "Use ClusterIP or NodePort on clusters without a load balancer."
        ),
    )
    ports: tuple[ServicePort, ...] = Field(
        default_factory=_default_ports,
        description="Service ports. Default: status-port 15021, http2 80, https 443.",
    )
    annotations: Annotations = Field(
        default_factory=dict,
        description="Service annotations, e.g. cloud load balancer settings.",
    )
    wait_for_address: bool = Field(
        default=True,
        description=(
            "Wait for a LoadBalancer address before the release counts as ready. "
            "Turn off where addresses are assigned late, so the deploy does not sit "
            "out its timeout; pods are then not waited for either."
        ),
    )

    @field_validator("ports")
    @classmethod
    def _unique_ports(cls, ports: tuple[ServicePort, ...]) -> tuple[ServicePort, ...]:
        # Kubernetes' Service validation: names unique, and each port number
        # once per protocol (53/TCP beside 53/UDP is allowed).
        names = [p.name for p in ports]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate port name: {', '.join(dupes)}")
        pairs = [(p.port, p.protocol) for p in ports]
        repeated = sorted({f"{port}/{protocol}" for port, protocol in pairs if pairs.count((port, protocol)) > 1})
        if repeated:
            raise ValueError(f"duplicate port: {', '.join(repeated)}; each port number once per protocol")
        return ports


class GatewaySettings(MeshModel):
    """An ingress, egress or east-west gateway (gateway chart)."""

    name: DnsLabel = Field(
        description="Release and Deployment name, e.g. 'istio-ingressgateway'."
    )
    kind: Literal["ingress", "egress", "eastwest"] = Field(
        description=(
            "Traffic direction; eastwest: the network gateway of a multicluster mesh "
            "(cross-network ports 15021, 15443, 15012, 15017, set by the chart)."
        )
    )
    namespace: DnsLabel | None = Field(
        default=None,
        description="Namespace. Unset: istio-ingress, istio-egress or istio-eastwest, kept apart from istiod.",
    )
    api: Literal["chart", "gateway-api"] = Field(
        default="chart",
        description=(
            "chart: Istio's gateway Helm chart (mesh stack). gateway-api (ingress only): a "
            "Gateway API Gateway of class istio with listeners and routes (policies stack), "
            "which Istio deploys as '<name>-istio'; see docs/gateway-api.md."
        ),
    )
    listeners: tuple[GatewayListener, ...] = Field(
        default=(), description="api: gateway-api only: the Gateway's listeners."
    )
    routes: tuple[HttpRouteSettings, ...] = Field(
        default=(), description="api: gateway-api only: HTTPRoutes attached to this gateway."
    )
    replicas: int = Field(
        default=1,
        ge=1,
        le=50,
        description="Gateway pods that always run (the autoscaler floor when autoscaling).",
    )
    autoscaling: Autoscaling = Field(
        default_factory=Autoscaling, description="Autoscaling above replicas."
    )
    resources: Resources | None = Field(
        default=None,
        description="Gateway container resources. Unset: the chart's (100m/128Mi requested, 2 CPU/1Gi limits).",
    )
    service: GatewayService = Field(
        default_factory=GatewayService, description="The gateway's Service."
    )
    spread: Spread = Field(default_factory=Spread, description="Replica placement.")
    placement: Placement = Field(
        default_factory=Placement,
        description=(
            "Priority class, node selector, tolerations and rollout strategy of the "
            "gateway's pods (docs/placement.md)."
        ),
    )
    revision: DnsLabel | None = Field(
        default=None,
        description=(
            "istiod revision or revision tag whose injector configures this gateway; "
            "the chart is installed at that revision's version. Unset: the default revision."
        ),
    )
    extra_values: dict[str, Any] = Field(
        default_factory=dict,
        description="Escape hatch: gateway chart values deep-merged over the generated ones.",
    )

    @property
    def resolved_namespace(self) -> str:
        """The namespace the gateway is installed in."""
        return self.namespace or f"istio-{self.kind}"

    @property
    def service_type(self) -> str:
        """The Service type after the per-kind default."""
        return self.service.type or ("ClusterIP" if self.kind == "egress" else "LoadBalancer")

    @model_validator(mode="after")
    def _consistent(self) -> GatewaySettings:
        if self.api == "gateway-api":
            chart_only = [f for f in CHART_ONLY_FIELDS if f in self.model_fields_set]
            if chart_only:
                field = chart_only[0]
                raise RuleViolation(
                    (type(self).model_fields[field].alias or field,),
                    "is a setting of the gateway chart; a gateway-api gateway is deployed by "
                    "Istio from its Gateway, so remove it or use api: chart",
                )
            check_gateway_api_gateway(self)
            return self
        for field in ("listeners", "routes"):
            if getattr(self, field):
                raise RuleViolation(
                    (field,), "belongs to api: gateway-api; a chart gateway's ports are service.ports"
                )
        check_ceiling(self.replicas, self.autoscaling)
        if self.resources is not None and self.resources.limits is None:
            self.resources.check_within(
                GATEWAY_CHART_LIMITS, prefix=("resources",), whose="chart's default "
            )
        return self


CHART_ONLY_FIELDS = (
    "replicas", "autoscaling", "resources", "service", "spread", "placement", "extra_values"
)
"""Gateway settings the gateway chart reads and a gateway-api gateway has not."""


def gateway_pod_labels(gateway: GatewaySettings) -> dict[str, str]:
    """The chart labels gateway pods ``app: <release name>``; Istio labels the
    pods of a Gateway API gateway with the Gateway's name."""
    if gateway.api == "gateway-api":
        return gateway_api_pod_labels(gateway.name)
    return {"app": gateway.name}


def gateway_service_account(gateway: GatewaySettings) -> str:
    """The service account gateway pods run as: the chart names it after the
    release unless told otherwise; Istio names a Gateway API gateway's
    ``<name>-istio``."""
    if gateway.api == "gateway-api":
        return gateway_api_service_account(gateway.name)
    account = gateway.extra_values.get("serviceAccount", {})
    name = account.get("name") if isinstance(account, dict) else None
    return name if isinstance(name, str) and name else gateway.name


def chart_gateways(config: MeshConfig) -> list[tuple[int, GatewaySettings]]:
    """The gateways the gateway chart installs, with their index in gateways[]."""
    return [(i, g) for i, g in enumerate(config.gateways) if g.api == "chart"]


def gateway_selector(gateway: GatewaySettings) -> dict[str, str]:
    """The ``istio`` label the gateway chart gives pods: the name without ``istio-``."""
    return {"istio": gateway.name.removeprefix("istio-")}


def check_gateway_namespaces(config: MeshConfig) -> None:
    """No gateway beside istiod, as Istio recommends."""
    for i, gateway in enumerate(config.gateways):
        if gateway.resolved_namespace == config.istio_namespace:
            raise RuleViolation(
                ("gateways", i, "namespace"),
                f"{gateway.resolved_namespace!a} is istiod's namespace; Istio "
                f"recommends a separate namespace per gateway",
            )

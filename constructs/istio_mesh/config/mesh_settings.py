"""Mesh-wide runtime settings: the istiod chart's meshConfig and sidecar
defaults."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from istio_mesh.config import names
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.base import MeshModel, ResourceList, Resources
from istio_mesh.config.url_credentials import refuse_address_credentials
from istio_mesh.config.telemetry import (
    ExtensionProvider,
    TelemetrySettings,
    check_provider_references,
)

# The istiod chart's default sidecar limits (global.proxy.resources.limits).
PROXY_CHART_LIMITS = ResourceList(cpu="2000m", memory="1024Mi")

DEFAULT_TRUST_DOMAIN = "cluster.local"
"""Istio's trust domain when meshConfig.trustDomain is not set."""


def trust_domain(value: str) -> str:
    """Istio's own rule (ValidateTrustDomain): DNS-1123 labels joined by dots.
    The trust domain is the first part of every workload's SPIFFE identity,
    ``spiffe://<trust domain>/ns/<namespace>/sa/<service account>``."""
    if not names.is_dns_subdomain(value):
        raise ValueError(
            "must be a trust domain: DNS-1123 labels (lowercase letters, digits and '-') "
            "joined by '.', at most 253 characters, e.g. 'prod.example.com'"
        )
    return value


TrustDomain = Annotated[str, AfterValidator(trust_domain)]

class OutboundTrafficPolicy(str, Enum):
    """meshConfig.outboundTrafficPolicy.mode."""

    ALLOW_ANY = "ALLOW_ANY"
    REGISTRY_ONLY = "REGISTRY_ONLY"


class AccessLog(MeshModel):
    """Envoy access logging for every proxy."""

    file: str = Field(
        default="",
        description="Where proxies write access logs, e.g. '/dev/stdout'. Empty: off.",
    )
    encoding: Literal["TEXT", "JSON"] = Field(default="TEXT", description="Log line encoding.")
    format: str = Field(
        default="", description="Envoy format string. Empty: Istio's default format."
    )


class Tracing(MeshModel):
    """Legacy distributed tracing (meshConfig enableTracing and
    defaultConfig.tracing). Superseded by extensionProviders and
    telemetry.tracing; kept for configs that set it, with a lint warning."""

    enabled: bool = Field(default=False, description="Proxies emit trace spans.")
    sampling: float = Field(
        default=1.0, ge=0.0, le=100.0, description="Percentage of requests traced."
    )
    zipkin_address: Annotated[str, AfterValidator(refuse_address_credentials)] | None = Field(
        default=None,
        description="host:port of a Zipkin-compatible collector. Unset: Istio's default.",
    )


class ProxySettings(MeshModel):
    """Defaults for every injected sidecar proxy."""

    resources: Resources | None = Field(
        default=None,
        description="Sidecar resources. Unset: the chart's (100m/128Mi requested, 2 CPU/1Gi limits).",
    )

    @model_validator(mode="after")
    def _requests_within_chart_limits(self) -> ProxySettings:
        if self.resources is not None and self.resources.limits is None:
            self.resources.check_within(
                PROXY_CHART_LIMITS, prefix=("resources",), whose="chart's default "
            )
        return self


class MeshSettings(MeshModel):
    """Mesh-wide runtime settings (the istiod chart's meshConfig)."""

    mesh_id: Annotated[str, AfterValidator(names.mesh_id)] | None = Field(
        default=None,
        description=(
            "Mesh ID (the istiod chart's global.meshID); every cluster of a multicluster "
            "mesh must use the same one, and changing it later is disruptive. Unset: "
            "Istio uses the trust domain (trustDomain, default 'cluster.local')."
        ),
    )
    access_log: AccessLog = Field(default_factory=AccessLog, description="Access logs.")
    tracing: Tracing = Field(
        default_factory=Tracing,
        description=(
            "Legacy tracing (enableTracing, defaultConfig.tracing); use extensionProviders and "
            "telemetry.tracing instead."
        ),
    )
    trust_domain: TrustDomain | None = Field(
        default=None,
        description=(
            "Trust domain of workload identities (meshConfig.trustDomain), e.g. "
            "'prod.example.com'. Unset: 'cluster.local'. Every cluster of a multicluster "
            "mesh needs the same one, or each other's in trustDomainAliases."
        ),
    )
    trust_domain_aliases: tuple[TrustDomain, ...] = Field(
        default=(),
        description=(
            "Other trust domains whose identities count as this mesh's "
            "(meshConfig.trustDomainAliases), e.g. the old one during a migration."
        ),
    )
    extension_providers: tuple[ExtensionProvider, ...] = Field(
        default=(),
        description=(
            "Where telemetry goes (meshConfig.extensionProviders): OpenTelemetry or Zipkin "
            "tracing, OpenTelemetry or file access logs, Prometheus metrics."
        ),
    )
    telemetry: TelemetrySettings = Field(
        default_factory=TelemetrySettings,
        description=(
            "Telemetry API resources: mesh-wide defaults in the root namespace, per-namespace "
            "overrides, and Prometheus-operator monitors."
        ),
    )
    outbound_traffic_policy: OutboundTrafficPolicy = Field(
        default=OutboundTrafficPolicy.ALLOW_ANY,
        description="REGISTRY_ONLY blocks calls to hosts not in the service registry.",
    )
    hold_application_until_proxy_starts: bool = Field(
        default=False,
        description=(
            "Start application containers only once the sidecar is ready. Where istiod "
            "injects native sidecars (all nodes on Kubernetes >= 1.33), they start first anyway."
        ),
    )
    dns_capture: bool = Field(
        default=False,
        description="Sidecars answer DNS queries (needed for ServiceEntry hosts without DNS).",
    )
    proxy: ProxySettings = Field(default_factory=ProxySettings, description="Sidecar defaults.")

    @model_validator(mode="after")
    def _telemetry_and_trust(self) -> MeshSettings:
        check_provider_references(self.extension_providers, self.telemetry)
        for i, alias in enumerate(self.trust_domain_aliases):
            if alias == self.effective_trust_domain:
                raise RuleViolation(
                    ("trustDomainAliases", i),
                    f"{alias!a} is the trust domain itself; list only other trust domains",
                )
            if alias in self.trust_domain_aliases[:i]:
                raise RuleViolation(("trustDomainAliases", i), f"{alias!a} is listed twice")
        return self

    @property
    def effective_trust_domain(self) -> str:
        """The trust domain Istio uses: the configured one or its default."""
        return self.trust_domain or DEFAULT_TRUST_DOMAIN

    @property
    def trust_domains(self) -> tuple[str, ...]:
        """Every trust domain whose identities this mesh accepts as its own."""
        return (self.effective_trust_domain, *self.trust_domain_aliases)

"""Mesh-wide runtime settings: the istiod chart's meshConfig and sidecar
defaults."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from istio_mesh.config import names
from istio_mesh.config.base import MeshModel, ResourceList, Resources

# The istiod chart's default sidecar limits (global.proxy.resources.limits).
PROXY_CHART_LIMITS = ResourceList(cpu="2000m", memory="1024Mi")



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
    """Distributed tracing from the proxies."""

    enabled: bool = Field(default=False, description="Proxies emit trace spans.")
    sampling: float = Field(
        default=1.0, ge=0.0, le=100.0, description="Percentage of requests traced."
    )
    zipkin_address: str | None = Field(
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
            "Istio uses the trust domain, 'cluster.local'."
        ),
    )
    access_log: AccessLog = Field(default_factory=AccessLog, description="Access logs.")
    tracing: Tracing = Field(default_factory=Tracing, description="Tracing.")
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

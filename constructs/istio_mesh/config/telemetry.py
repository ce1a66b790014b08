"""Telemetry as typed config: the mesh's extension providers (meshConfig
``extensionProviders``) and the Telemetry API resources that use them.

Istio splits observability in two: *where* telemetry goes is mesh config
(an OpenTelemetry collector, a Zipkin server, a log file), *what* is sent
and from which workloads is a ``Telemetry`` resource (telemetry.istio.io/v1)
in the root namespace (mesh-wide) or an application namespace (override).
A Telemetry that names a provider missing from the mesh config is accepted
by the API server and silently does nothing, so every reference is checked
here, against the providers and against what each provider can do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from istio_mesh.apirules.cel import syntax_problem
from istio_mesh.config import names
from istio_mesh.config.base import DnsLabel, Labels, MeshModel
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.url_credentials import refuse_address_credentials

Signal = Literal["tracing", "accessLogging", "metrics"]
"""The three sections of a Telemetry resource."""

BUILT_IN_PROVIDERS: dict[str, Signal] = {"envoy": "accessLogging", "prometheus": "metrics"}
"""Providers Istio defines itself when the mesh config does not: ``envoy``
(the file access log of ``meshConfig.accessLogFile``) and ``prometheus``."""

KINDS_BY_SIGNAL: dict[Signal, tuple[str, ...]] = {
    "tracing": ("opentelemetry", "zipkin"),
    "accessLogging": ("envoyOtelAls", "envoyFileAccessLog"),
    "metrics": ("prometheus",),
}
"""Which provider kinds each Telemetry section may name (Istio ignores the rest)."""


def _service(value: str) -> str:
    """Istio's ``[<namespace>/]<hostname>`` service reference."""
    namespace, slash, host = value.rpartition("/")
    if (slash and not names.is_dns_label(namespace)) or not names.is_dns_subdomain(host):
        raise ValueError(
            "must be '[<namespace>/]<host name>' of a Kubernetes Service or ServiceEntry, e.g. "
            "'opentelemetry-collector.observability.svc.cluster.local'"
        )
    return value


_DURATION = re.compile(
    r"0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?", re.ASCII
)
"""prometheus-operator's Duration (the monitors' CRD pattern): units from the
largest down, each at most once, or a bare 0."""


def _cel_expression(value: str) -> str:
    """Istio hands an access-log filter to Envoy as a CEL expression; one
    that does not parse cannot filter as meant, and only shows at runtime,
    so it is refused here."""
    problem = syntax_problem(value)
    if problem:
        raise ValueError(f"{problem}; write a CEL expression such as 'response.code >= 400'")
    return value


def _duration(value: str) -> str:
    """A Prometheus duration, as the monitors' CRDs require."""
    if not value or not _DURATION.fullmatch(value):
        raise ValueError(
            "must be a Prometheus duration such as '15s', '1m' or '1m30s' (units y, w, d, h, "
            "m, s, ms from the largest down, each once)"
        )
    return value


def _one_tracing_provider(value: tuple[str, ...]) -> tuple[str, ...]:
    if len(value) > 1:
        raise ValueError("Istio takes one tracing provider per Telemetry; name one")
    return value


Service = Annotated[str, AfterValidator(_service)]
Port = Annotated[int, AfterValidator(names.port)]


class OpenTelemetryTracing(MeshModel):
    """Traces over OTLP to an OpenTelemetry collector (gRPC unless httpPath is set)."""

    service: Service = Field(description="Collector service, e.g. 'otel-collector.observability.svc.cluster.local'.")
    port: Port = Field(description="Collector port: 4317 for OTLP/gRPC, 4318 for OTLP/HTTP.")
    http_path: Annotated[str, AfterValidator(refuse_address_credentials)] | None = Field(
        default=None,
        description="Send OTLP over HTTP to this path (e.g. '/v1/traces'). Unset: OTLP over gRPC.",
    )
    resource_detectors: tuple[Literal["environment", "dynatrace"], ...] = Field(
        default=(),
        description=(
            "Resource detectors of the proxies' tracer; 'environment' reads "
            "OTEL_RESOURCE_ATTRIBUTES. Empty: none."
        ),
    )

    def to_values(self) -> dict[str, object]:
        out: dict[str, object] = {"service": self.service, "port": self.port}
        if self.http_path is not None:
            out["http"] = {"path": self.http_path}
        if self.resource_detectors:
            out["resourceDetectors"] = {d: {} for d in self.resource_detectors}
        return out


class ZipkinTracing(MeshModel):
    """Traces in the Zipkin API (Zipkin, Jaeger's Zipkin port)."""

    service: Service = Field(description="Zipkin service, e.g. 'zipkin.istio-system.svc.cluster.local'.")
    port: Port = Field(description="Zipkin port, usually 9411.")
    path: Annotated[str, AfterValidator(refuse_address_credentials)] | None = Field(
        default=None, description="Span endpoint. Unset: '/api/v2/spans'."
    )

    def to_values(self) -> dict[str, object]:
        out: dict[str, object] = {"service": self.service, "port": self.port}
        if self.path is not None:
            out["path"] = self.path
        return out


class LogFormat(MeshModel):
    """An access log line: Envoy text, or JSON built from labels (not both)."""

    text: str | None = Field(
        default=None, description="Envoy format string, e.g. '%REQ(:PATH)% %RESPONSE_CODE%'."
    )
    labels: dict[str, str] | None = Field(
        default=None,
        description="JSON log: key -> Envoy command operator, e.g. status: '%RESPONSE_CODE%'.",
    )

    @model_validator(mode="after")
    def _one_format(self) -> LogFormat:
        if self.text is not None and self.labels is not None:
            raise RuleViolation(("labels",), "a log format is text or labels, not both")
        return self

    def to_values(self) -> dict[str, object]:
        if self.text is not None:
            return {"text": self.text}
        return {"labels": dict(self.labels or {})}


class FileAccessLog(MeshModel):
    """Envoy access logs written by each proxy to a file or stream."""

    path: str = Field(default="/dev/stdout", description="File or stream, e.g. '/dev/stdout'.")
    format: LogFormat | None = Field(
        default=None, description="Line format. Unset: Istio's default text format."
    )

    def to_values(self) -> dict[str, object]:
        out: dict[str, object] = {"path": self.path}
        if self.format is not None:
            out["logFormat"] = self.format.to_values()
        return out


class OpenTelemetryAccessLog(MeshModel):
    """Access logs sent as OpenTelemetry logs (OTLP/gRPC) to a collector."""

    service: Service = Field(description="Collector service.")
    port: Port = Field(description="Collector OTLP/gRPC port, usually 4317.")
    log_name: str | None = Field(
        default=None, description="Log name. Unset: 'otel_envoy_accesslog'."
    )
    format: LogFormat | None = Field(
        default=None, description="Body (text) or attributes (labels). Unset: Envoy's default."
    )

    def to_values(self) -> dict[str, object]:
        out: dict[str, object] = {"service": self.service, "port": self.port}
        if self.log_name is not None:
            out["logName"] = self.log_name
        if self.format is not None:
            out["logFormat"] = self.format.to_values()
        return out


class PrometheusMetrics(MeshModel):
    """Metrics proxies expose for Prometheus to scrape (Istio's standard metrics)."""


ProviderKind = Literal["opentelemetry", "zipkin", "envoyOtelAls", "envoyFileAccessLog", "prometheus"]


class ExtensionProvider(MeshModel):
    """One entry of meshConfig.extensionProviders: a name and exactly one kind."""

    name: DnsLabel = Field(description="Name Telemetry resources refer to; unique in the mesh.")
    opentelemetry: OpenTelemetryTracing | None = Field(
        default=None, description="Tracing to an OpenTelemetry collector."
    )
    zipkin: ZipkinTracing | None = Field(default=None, description="Tracing to a Zipkin server.")
    envoy_otel_als: OpenTelemetryAccessLog | None = Field(
        default=None, description="Access logs to an OpenTelemetry collector."
    )
    envoy_file_access_log: FileAccessLog | None = Field(
        default=None, description="Access logs to a file."
    )
    prometheus: PrometheusMetrics | None = Field(
        default=None, description="Prometheus metrics (write prometheus: {})."
    )

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> ExtensionProvider:
        kinds = [k for k in self._kinds() if k[1] is not None]
        if len(kinds) != 1:
            found = ", ".join(k for k, _ in kinds) or "none"
            raise RuleViolation(
                (),
                f"needs exactly one of opentelemetry, zipkin, envoyOtelAls, envoyFileAccessLog, "
                f"prometheus (found: {found})",
            )
        return self

    def _kinds(self) -> list[tuple[ProviderKind, MeshModel | None]]:
        return [
            ("opentelemetry", self.opentelemetry), ("zipkin", self.zipkin),
            ("envoyOtelAls", self.envoy_otel_als), ("envoyFileAccessLog", self.envoy_file_access_log),
            ("prometheus", self.prometheus),
        ]

    @property
    def kind(self) -> ProviderKind:
        return next(k for k, v in self._kinds() if v is not None)

    def to_values(self) -> dict[str, object]:
        """The meshConfig entry (field names as in Istio's MeshConfig.ExtensionProvider)."""
        body = next(v for _, v in self._kinds() if v is not None)
        to_values = getattr(body, "to_values", None)
        return {"name": self.name, self.kind: to_values() if to_values else {}}


ProviderRef = DnsLabel


class TracingPolicy(MeshModel):
    """The tracing section of a Telemetry resource."""

    providers: Annotated[tuple[ProviderRef, ...], AfterValidator(_one_tracing_provider)] = Field(
        default=(),
        description=(
            "The tracing provider (Istio takes one). Empty in a namespace override: the "
            "mesh-wide one."
        ),
    )
    random_sampling_percentage: float | None = Field(
        default=None, ge=0.0, le=100.0,
        description="Share of requests traced, 0-100. Unset: inherited (mesh-wide: Istio's 1%).",
    )
    disable_span_reporting: bool | None = Field(
        default=None, description="Propagate trace context but report no spans. Unset: inherited."
    )


class AccessLoggingPolicy(MeshModel):
    """The access logging section of a Telemetry resource."""

    providers: tuple[ProviderRef, ...] = Field(
        default=(),
        description=(
            "Access log providers. Empty: inherited, or mesh-wide the built-in 'envoy' "
            "provider (mesh.accessLog.file)."
        ),
    )
    disabled: bool | None = Field(default=None, description="true: no access logs here.")
    filter: Annotated[str, AfterValidator(_cel_expression)] | None = Field(
        default=None,
        min_length=1,
        description="CEL expression: log only matching requests, e.g. 'response.code >= 400'.",
    )


class MetricsPolicy(MeshModel):
    """The metrics section of a Telemetry resource."""

    providers: tuple[ProviderRef, ...] = Field(
        default=(), description="Metrics providers. Empty: inherited (Istio's 'prometheus')."
    )


class TelemetryPolicy(MeshModel):
    """What one Telemetry resource (without a workload selector) says."""

    tracing: TracingPolicy | None = Field(default=None, description="Tracing. Unset: inherited.")
    access_logging: AccessLoggingPolicy | None = Field(
        default=None, description="Access logging. Unset: inherited."
    )
    metrics: MetricsPolicy | None = Field(default=None, description="Metrics. Unset: inherited.")

    @property
    def is_empty(self) -> bool:
        return self.tracing is None and self.access_logging is None and self.metrics is None

    @property
    def says_anything(self) -> bool:
        """Whether its Telemetry resource would hold anything: a section set
        with no field in it (``tracing: {}``) is left out of the resource."""
        tracing, logging, metrics = self.tracing, self.access_logging, self.metrics
        return bool(
            (tracing and (tracing.providers or tracing.random_sampling_percentage is not None
                          or tracing.disable_span_reporting is not None))
            or (logging and (logging.providers or logging.disabled is not None
                             or logging.filter is not None))
            or (metrics and metrics.providers)
        )

    def references(self) -> Iterator[tuple[tuple[str | int, ...], Signal, str]]:
        """(field path, section, provider name) of every provider named."""
        sections: list[tuple[Signal, TracingPolicy | AccessLoggingPolicy | MetricsPolicy | None]] = [
            ("tracing", self.tracing), ("accessLogging", self.access_logging),
            ("metrics", self.metrics),
        ]
        for signal, section in sections:
            for i, name in enumerate(section.providers if section is not None else ()):
                yield (signal, "providers", i), signal, name


class PrometheusOperator(MeshModel):
    """PodMonitor and ServiceMonitor objects for a Prometheus run by prometheus-operator."""

    enabled: bool = Field(
        default=False,
        description=(
            "Create a PodMonitor (every sidecar and gateway proxy) and a ServiceMonitor "
            "(istiod) in the root namespace. Needs prometheus-operator's CRDs in the cluster."
        ),
    )
    labels: Labels = Field(
        default_factory=dict,
        description="Labels on both monitors, e.g. release: prometheus, to match the Prometheus' selectors.",
    )
    interval: Annotated[str, AfterValidator(_duration)] = Field(
        default="15s",
        description="Scrape interval (a Prometheus duration such as '15s' or '1m').",
    )


class TelemetrySettings(TelemetryPolicy):
    """The mesh-wide Telemetry (root namespace), namespace overrides and scraping."""

    namespaces: dict[DnsLabel, TelemetryPolicy] = Field(
        default_factory=dict,
        description="Per-namespace overrides: one Telemetry in each named namespace.",
    )
    prometheus_operator: PrometheusOperator = Field(
        default_factory=PrometheusOperator, description="Scraping through prometheus-operator."
    )

    @model_validator(mode="after")
    def _mesh_wide_tracing_names_a_provider(self) -> TelemetrySettings:
        if self.tracing is not None and not self.tracing.providers:
            raise RuleViolation(
                ("tracing", "providers"),
                "is required mesh-wide: name the tracing provider from mesh.extensionProviders",
            )
        for namespace, policy in self.namespaces.items():
            if policy.is_empty:
                raise RuleViolation(
                    ("namespaces", namespace),
                    "overrides nothing; set tracing, accessLogging or metrics, or remove it",
                )
        return self

    def policies(self) -> Iterator[tuple[tuple[str | int, ...], TelemetryPolicy]]:
        """(field path, policy) of the mesh-wide policy and each override."""
        yield (), self
        for namespace, policy in self.namespaces.items():
            yield ("namespaces", namespace), policy


def check_provider_references(
    providers: tuple[ExtensionProvider, ...], telemetry: TelemetrySettings
) -> None:
    """Names unique; every Telemetry reference names a provider that exists
    and can serve that section. Paths are relative to ``mesh``."""
    seen: list[str] = []
    for i, provider in enumerate(providers):
        if provider.name in seen:
            raise RuleViolation(
                ("extensionProviders", i, "name"),
                f"{provider.name!a} is used more than once; names must be unique",
            )
        seen.append(provider.name)
    kinds = {p.name: p.kind for p in providers}
    defined = ", ".join(seen) or "none"
    for where, policy in telemetry.policies():
        for path, signal, name in policy.references():
            at = ("telemetry", *where, *path)
            allowed = KINDS_BY_SIGNAL[signal]
            if name in kinds:
                if kinds[name] not in allowed:
                    raise RuleViolation(
                        at,
                        f"{name!a} is a provider of kind {kinds[name]}; {signal} takes "
                        f"{' or '.join(allowed)} providers",
                    )
            elif BUILT_IN_PROVIDERS.get(name) != signal:
                raise RuleViolation(
                    at,
                    f"{name!a} is not in mesh.extensionProviders (defined: {defined})",
                )

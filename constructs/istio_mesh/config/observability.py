"""The ``observability:`` section: what to see the mesh with, per cluster.

Opt-in and typed. Prometheus Operator monitors and alert rules are custom
resources (monitoring.coreos.com/v1) rendered in the policies stack, which
``kubernetes_manifest`` can only plan once their CRDs exist; this library
does not install the operator, so a config that asks for monitors or alerts
must say the operator is there (``prometheusOperator: installed``).
Dashboards are ConfigMaps for Grafana's dashboard sidecar; Kiali is its own
Helm release after istiod.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from istio_mesh.config import names
from istio_mesh.config.addons import KIALI_PAIRING
from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.base import Annotations, DnsLabel, Labels, MeshModel
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.names import parse_version, shown
from istio_mesh.config.promql import OtherSource, check_expression

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig

MIN_SCRAPE_SECONDS = 15
"""Istio's samples scrape every 15s; more often multiplies Prometheus' load by
every proxy in the mesh."""
MAX_FOR_SECONDS = 24 * 3600
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_DURATION = r"(?:[0-9]+(?:ms|[smhdwy]))+"


def duration_seconds(value: str) -> float:
    """A Prometheus duration (``1m30s``) in seconds."""
    return sum(int(n) * _UNITS[u] for n, u in re.findall(r"([0-9]+)(ms|[smhdwy])", value))


def _duration(value: str) -> str:
    if not re.fullmatch(_DURATION, value, re.ASCII):
        raise ValueError("must be a Prometheus duration such as '30s', '5m' or '1h30m'")
    return value


def _for(value: str) -> str:
    _duration(value)
    if duration_seconds(value) > MAX_FOR_SECONDS:
        raise ValueError(
            "is longer than a day: the alert would fire long after the problem started; "
            "use at most '24h'"
        )
    return value


Duration = Annotated[str, AfterValidator(_duration)]
ForDuration = Annotated[str, AfterValidator(_for)]


class Monitors(MeshModel):
    """ServiceMonitor and PodMonitors, modelled on Istio's
    samples/addons/extras/prometheus-operator.yaml of the pinned release."""

    enabled: bool = Field(
        default=True,
        description=(
            "Scrape istiod (ServiceMonitor), every Envoy: sidecars and gateways (PodMonitor), "
            "and, where installed, ztunnel and the CNI agent (PodMonitors)."
        ),
    )
    interval: Duration = Field(
        default="30s",
        description="Scrape interval. Istio's sample uses 15s; under 15s overloads Prometheus.",
    )
    namespaces: tuple[DnsLabel, ...] = Field(
        default=(),
        description="Namespaces whose proxies are scraped. Empty: every namespace.",
    )


class AlertThresholds(MeshModel):
    """The numbers in the built-in alert rules."""

    gateway_5xx_ratio: float = Field(
        default=0.05, gt=0.0, le=0.5, alias="gateway5xxRatio",
        description="Share of a gateway's responses that are 5xx above which it alerts (0-0.5].",
    )
    certificate_expiry_days: int = Field(
        default=30, ge=1, le=365,
        description="Alert when istiod's root or signing certificate expires within this many days.",
    )
    for_: ForDuration = Field(
        default="10m", alias="for",
        description="How long a condition holds before a built-in alert fires (at most 24h).",
    )


class AlertRule(MeshModel):
    """A rule of your own, checked like the built-in ones."""

    alert: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] = Field(
        description="Alert name, e.g. IstioCheckoutLatencyHigh."
    )
    expr: str = Field(min_length=1, description="PromQL expression; it fires while it returns series.")
    for_: ForDuration = Field(default="5m", alias="for", description="How long it must hold first.")
    severity: Literal["critical", "warning", "info"] = Field(
        default="warning", description="The severity label Alertmanager routes on."
    )
    summary: str = Field(default="", description="One line for the notification.")


class Alerts(MeshModel):
    """PrometheusRule objects for the control plane and the data plane."""

    enabled: bool = Field(default=True, description="Create the PrometheusRule.")
    thresholds: AlertThresholds = Field(
        default_factory=AlertThresholds, description="Numbers of the built-in rules."
    )
    other_metric_sources: tuple[OtherSource, ...] = Field(
        default=("prometheus", "kube-state-metrics"),
        description=(
            "Non-Istio metrics rules may use: prometheus (up, scrape_*) and kube-state-metrics "
            "(kube_daemonset_*, kube_deployment_*, kube_pod_*). Without kube-state-metrics the "
            "ztunnel and CNI readiness rules are left out."
        ),
    )
    rules: tuple[AlertRule, ...] = Field(
        default=(), description="Your own rules, in a group of their own."
    )


class Dashboards(MeshModel):
    """Istio's Grafana dashboards for the pinned release, one ConfigMap each."""

    enabled: bool = Field(default=True, description="Create the dashboard ConfigMaps.")
    namespace: DnsLabel | None = Field(
        default=None,
        description="Namespace Grafana's sidecar watches. Unset: the mesh root namespace.",
    )
    labels: Labels = Field(
        default_factory=lambda: {"grafana_dashboard": "1"},
        description="Labels the sidecar selects on (kube-prometheus-stack: grafana_dashboard: '1').",
    )
    folder: str | None = Field(
        default="Istio", min_length=1, description="Grafana folder. Unset: no folder annotation."
    )
    folder_annotation: str = Field(
        default="grafana_folder",
        description="Annotation key the sidecar reads the folder from (its folderAnnotation).",
    )

    @model_validator(mode="after")
    def _annotation_key(self) -> Dashboards:
        problem = names.label_key_problem(self.folder_annotation)
        if problem:
            raise RuleViolation(("folderAnnotation",), f"{shown(self.folder_annotation)}: {problem}")
        return self


class KialiAuth(MeshModel):
    """How users sign in to Kiali."""

    strategy: Literal["token", "header", "anonymous"] = Field(
        default="token",
        description=(
            "token (users sign in with a Kubernetes token), header (an authenticating proxy "
            "in front passes it), or anonymous (anyone who reaches Kiali; not for production)."
        ),
    )


class Kiali(MeshModel):
    """Kiali from its own Helm chart (kiali-server), installed after istiod in
    the mesh root namespace, where istiod's debug endpoints answer it."""

    enabled: bool = Field(default=False, description="Install Kiali.")
    version: str | None = Field(
        default=None,
        description=(
            "kiali-server chart version. Unset: the one Kiali documents for the Istio minor "
            "(see docs/observability.md); older ones are refused."
        ),
    )
    repository: str = Field(
        default="https://kiali.org/helm-charts", description="Kiali's Helm chart repository."
    )
    auth: KialiAuth = Field(default_factory=KialiAuth, description="Sign-in.")
    prometheus_url: str = Field(
        default="http://prometheus-operated.monitoring:9090",
        description="Prometheus Kiali queries (kube-prometheus-stack: prometheus-operated in its namespace).",
    )
    grafana_url: str | None = Field(default=None, description="Grafana for dashboard links. Unset: none.")
    annotations: Annotations = Field(default_factory=dict, description="Annotations on Kiali's pod.")

    def resolved_version(self, istio_version: str) -> str:
        if self.version is not None:
            return self.version
        return KIALI_PAIRING[parse_version(istio_version)[:2]]


class ObservabilitySettings(MeshModel):
    """Monitors, alerts, dashboards and Kiali matched to the installed Istio."""

    prometheus_operator: Literal["installed"] | None = Field(
        default=None,
        description=(
            "Say 'installed' once prometheus-operator's CRDs (ServiceMonitor, PodMonitor, "
            "PrometheusRule) are in the cluster; required for monitors and alerts."
        ),
    )
    namespace: DnsLabel | None = Field(
        default=None,
        description="Namespace of the monitors and rules. Unset: the mesh root namespace.",
    )
    labels: Labels = Field(
        default_factory=dict,
        description="Labels on monitors and rules, e.g. release: kube-prometheus-stack, for the Prometheus' selectors.",
    )
    monitors: Monitors = Field(default_factory=Monitors, description="Scraping.")
    alerts: Alerts = Field(default_factory=Alerts, description="Alert rules.")
    dashboards: Dashboards = Field(default_factory=Dashboards, description="Grafana dashboards.")
    kiali: Kiali = Field(default_factory=Kiali, description="Kiali.")

    @model_validator(mode="after")
    def _operator_acknowledged(self) -> ObservabilitySettings:
        wanted = [n for n, on in (("monitors", self.monitors.enabled), ("alerts", self.alerts.enabled)) if on]
        if wanted and self.prometheus_operator is None:
            raise RuleViolation(
                ("prometheusOperator",),
                f"is required with {' and '.join(wanted)} on: set it to 'installed' once "
                "prometheus-operator's CRDs (servicemonitors, podmonitors, prometheusrules."
                "monitoring.coreos.com) are in the cluster, as the policies stack cannot be "
                f"planned without them; or turn {' and '.join(wanted)} off",
            )
        scrape = duration_seconds(self.monitors.interval)
        for i, rule in enumerate(self.alerts.rules):
            problem = check_expression(
                rule.expr, sources=self.alerts.other_metric_sources, scrape_interval_seconds=scrape
            )
            if problem is not None:
                raise RuleViolation(("alerts", "rules", i, "expr"), problem.message)
        seen = [r.alert for r in self.alerts.rules]
        for i, name in enumerate(seen):
            if name in seen[:i]:
                raise RuleViolation(("alerts", "rules", i, "alert"), f"{name!a} is used more than once")
        return self


def check_observability(config: MeshConfig) -> None:
    """Rules across sections: one owner of Istio's monitor names, and a Kiali
    release documented for every Istio minor the mesh runs."""
    settings = config.observability
    if settings is None:
        return
    if settings.monitors.enabled and config.mesh.telemetry.prometheus_operator.enabled:
        raise RuleViolation(
            ("observability", "monitors", "enabled"),
            "and mesh.telemetry.prometheusOperator.enabled both create Istio's monitors "
            "(envoy-stats-monitor, istio-component-monitor); keep observability.monitors and "
            "set mesh.telemetry.prometheusOperator.enabled: false",
        )
    kiali = settings.kiali
    if not kiali.enabled:
        return
    for plane in control_planes(config):
        minor = parse_version(plane.version)[:2]
        documented = KIALI_PAIRING.get(minor)
        where = ("observability", "kiali", "version")
        shown_minor = f"{minor[0]}.{minor[1]}"
        if documented is None and kiali.version is None:
            raise RuleViolation(
                where,
                f"must be set: Kiali documents no chart for Istio {shown_minor} here "
                f"(known: {', '.join(f'{a}.{b}' for a, b in KIALI_PAIRING)})",
            )
        if documented is not None and kiali.version is not None and (
            _version(kiali.version) < _version(documented)
        ):
            raise RuleViolation(
                where,
                f"got {shown(kiali.version)}; Istio {shown_minor} needs kiali-server {documented} "
                f"or later (Kiali's compatibility table; since 1.29 istiod authorizes the debug "
                f"endpoints older Kiali calls)",
            )


def _version(value: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in value.split(".")[:3])
    except ValueError:
        raise RuleViolation(
            ("observability", "kiali", "version"), f"got {shown(value)}; a chart version such as '2.26.0'"
        ) from None


def istio_minors(config: MeshConfig) -> Iterator[tuple[int, int]]:
    """The Istio minors the mesh's control planes run."""
    for plane in control_planes(config):
        yield parse_version(plane.version)[:2]

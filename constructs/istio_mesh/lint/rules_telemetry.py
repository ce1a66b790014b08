"""Rules for the telemetry section: scrape intervals that overload or
outlast Prometheus, monitors no Prometheus selects, OTLP sent to the wrong
port for its protocol, access logs kept inside containers, and overrides
for namespaces the mesh does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.lint.rules import Finding, finding, production

_DURATION_PART = re.compile(r"([0-9]+)(ms|[smhdwy])", re.ASCII)
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}

MIN_SCRAPE_SECONDS = 10
"""Below this, scraping every proxy costs Prometheus and the proxies more
than the resolution is worth (Istio's guidance and chart default: 15s)."""

STALENESS_SECONDS = 300
"""Prometheus marks a series stale when it has no sample for 5 minutes."""

OTLP_GRPC_PORT = 4317
OTLP_HTTP_PORT = 4318
STREAMS = frozenset({"/dev/stdout", "/dev/stderr"})


def seconds(duration: str) -> float:
    """A Prometheus duration (already validated) in seconds."""
    return sum(int(n) * _SECONDS[unit] for n, unit in _DURATION_PART.findall(duration))


def scrape_interval(config: MeshConfig) -> Iterator[Finding]:
    monitors = config.mesh.telemetry.prometheus_operator
    if not production(config) or not monitors.enabled:
        return
    interval = seconds(monitors.interval)
    if interval < MIN_SCRAPE_SECONDS:
        message = (f"is {monitors.interval!a}: Prometheus scrapes every proxy "
                   f"{60 / interval:g} times a minute, which multiplies its CPU, memory and "
                   f"storage and the proxies' work at production volume")
    elif interval > STALENESS_SECONDS:
        message = (f"is {monitors.interval!a}, longer than Prometheus' 5-minute staleness: "
                   f"series go stale between scrapes, so dashboards show gaps and absent() "
                   f"alerts fire")
    else:
        return
    yield finding("prod-scrape-interval", ("mesh", "telemetry", "prometheusOperator", "interval"),
                  message, "use 15s to 1m (15s is Istio's and the chart's default)")


def monitors_unlabelled(config: MeshConfig) -> Iterator[Finding]:
    monitors = config.mesh.telemetry.prometheus_operator
    if production(config) and monitors.enabled and not monitors.labels:
        yield finding("prod-monitors-unlabelled", ("mesh", "telemetry", "prometheusOperator", "labels"),
                      "are empty: a Prometheus picks monitors by label (kube-prometheus-stack: "
                      "release: <its release>), so unless it selects every monitor, nothing is "
                      "scraped and no mesh metric reaches it",
                      "set the labels the Prometheus' podMonitorSelector and "
                      "serviceMonitorSelector match, e.g. {release: prometheus}")


def otlp_port_mismatch(config: MeshConfig) -> Iterator[Finding]:
    for i, provider in enumerate(config.mesh.extension_providers):
        where = ("mesh", "extensionProviders", i)
        if provider.opentelemetry is not None:
            otel = provider.opentelemetry
            if otel.port == OTLP_HTTP_PORT and otel.http_path is None:
                protocol, port_kind, fix = "gRPC", "OTLP/HTTP", "use port 4317, or set httpPath: /v1/traces"
            elif otel.port == OTLP_GRPC_PORT and otel.http_path is not None:
                protocol, port_kind, fix = "HTTP", "OTLP/gRPC", "use port 4318, or remove httpPath"
            else:
                continue
            yield finding("otlp-port-mismatch", (*where, "opentelemetry", "port"),
                          f"is {otel.port}, the collector's {port_kind} port, but {provider.name!a} "
                          f"sends OTLP over {protocol}: every export fails and no trace is "
                          f"recorded", fix)
        elif provider.envoy_otel_als is not None and provider.envoy_otel_als.port == OTLP_HTTP_PORT:
            yield finding("otlp-port-mismatch", (*where, "envoyOtelAls", "port"),
                          f"is {OTLP_HTTP_PORT}, the collector's OTLP/HTTP port, but Envoy sends "
                          f"access logs over OTLP/gRPC only: every export fails and no access "
                          f"log reaches the collector", "use port 4317")


def access_log_in_container(config: MeshConfig) -> Iterator[Finding]:
    files: list[tuple[tuple[str | int, ...], str]] = [
        (("mesh", "accessLog", "file"), config.mesh.access_log.file)]
    files += [(("mesh", "extensionProviders", i, "envoyFileAccessLog", "path"),
               p.envoy_file_access_log.path)
              for i, p in enumerate(config.mesh.extension_providers) if p.envoy_file_access_log]
    for path, file in files:
        if file and file not in STREAMS:
            yield finding("access-log-in-container", path,
                          f"is {file!a}: every proxy writes its access log to a file in its "
                          f"container, where no log agent collects it and it grows until the "
                          f"pod is evicted for ephemeral storage",
                          "use /dev/stdout and let the node's log agent collect it")


def telemetry_namespace_unknown(config: MeshConfig) -> Iterator[Finding]:
    known = {ns.name for ns in config.namespaces} | {config.istio_namespace}
    for name in config.mesh.telemetry.namespaces:
        if name not in known:
            yield finding("telemetry-namespace-unknown", ("mesh", "telemetry", "namespaces", name),
                          f"names {name!a}, which namespaces does not list: where it does not "
                          f"exist, applying its Telemetry fails and stops the policies stack; "
                          f"where it does, its pods are not in the mesh and nothing reads it",
                          f"add {name!a} to namespaces or remove the override")


TELEMETRY_CHECKS = (
    scrape_interval, monitors_unlabelled, otlp_port_mismatch, access_log_in_container,
    telemetry_namespace_unknown,
)

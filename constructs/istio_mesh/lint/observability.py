"""Rules for the ``observability:`` section: what loads but leaves a
production mesh unwatched, or watches it wrongly.

A production config that opts into the section without alerting has no
alert on istiod; a scrape interval under 15s multiplies Prometheus' load by
every proxy; Kiali open to anyone in production shows the whole mesh's
topology and configuration to whoever reaches it; and the dashboards and
metric list shipped are those of one Istio release, which may not be the one
the mesh runs.
"""

from __future__ import annotations

from collections.abc import Iterator

from istio_mesh.config.addons import ADDONS_VERSION
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.names import parse_version
from istio_mesh.config.observability import MIN_SCRAPE_SECONDS, duration_seconds, istio_minors
from istio_mesh.lint.rules import Finding, finding, production

DOC = "docs/observability.md"


def prod_no_istiod_alerts(config: MeshConfig) -> Iterator[Finding]:
    settings = config.observability
    if production(config) and settings is not None and not settings.alerts.enabled:
        yield finding("prod-no-istiod-alerts", ("observability", "alerts", "enabled"),
                      "is false in a production mesh: nothing alerts when istiod is down, "
                      "rejects configuration or fails to inject sidecars",
                      f"turn alerts on (the built-in control-plane rules, see {DOC})")


def scrape_interval_too_short(config: MeshConfig) -> Iterator[Finding]:
    settings = config.observability
    if settings is None or not settings.monitors.enabled:
        return
    interval = settings.monitors.interval
    if duration_seconds(interval) < MIN_SCRAPE_SECONDS:
        yield finding("scrape-interval-too-short", ("observability", "monitors", "interval"),
                      f"is {interval}: every proxy in the mesh is scraped that often, which "
                      f"multiplies Prometheus' samples and memory by the mesh's size",
                      f"scrape every {MIN_SCRAPE_SECONDS}s or more (Istio's sample uses 15s; 30s "
                      f"is common)")


def prod_kiali_anonymous(config: MeshConfig) -> Iterator[Finding]:
    settings = config.observability
    if not production(config) or settings is None or not settings.kiali.enabled:
        return
    if settings.kiali.auth.strategy == "anonymous":
        yield finding("prod-kiali-anonymous", ("observability", "kiali", "auth", "strategy"),
                      "is anonymous in a production mesh: anyone who reaches Kiali sees every "
                      "workload, its traffic and its Istio configuration",
                      "use token, or header behind an authenticating proxy")


def dashboards_for_another_version(config: MeshConfig) -> Iterator[Finding]:
    settings = config.observability
    if settings is None or not (settings.dashboards.enabled or settings.alerts.enabled):
        return
    shipped = parse_version(ADDONS_VERSION)[:2]
    others = sorted({m for m in istio_minors(config) if m != shipped})
    if others:
        running = ", ".join(f"{a}.{b}" for a, b in others)
        yield finding("observability-version-mismatch", ("observability",),
                      f"ships Istio {ADDONS_VERSION}'s dashboards and metric list, but the mesh "
                      f"runs Istio {running}: panels and alerts may name metrics that release "
                      f"does not emit",
                      f"run Istio {shipped[0]}.{shipped[1]}, or review the dashboards and rules "
                      f"against your release ({DOC})")


OBSERVABILITY_CHECKS = (
    prod_no_istiod_alerts, scrape_interval_too_short, prod_kiali_anonymous,
    dashboards_for_another_version,
)

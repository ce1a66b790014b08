"""Alert expressions checked against the metrics the pinned Istio emits.

Each expression is parsed with a real PromQL parser (``promql-parser``, the
Rust parser of GreptimeDB's engine); then every metric it selects must be one
the pinned Istio release emits (:func:`istio_mesh.config.addons.istio_metrics`)
or one of a declared non-Istio source (:data:`OTHER_SOURCES`), every label it
matches on or groups by must be one those metrics carry or one the scrape
adds (:data:`TARGET_LABELS`), and every range must span at least two scrape
intervals, since ``rate()`` over fewer samples returns nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import promql_parser

from istio_mesh.config.addons import ADDONS_VERSION, istio_metrics
from istio_mesh.config.names import shown

OtherSource = Literal["prometheus", "kube-state-metrics"]

OTHER_SOURCES: dict[OtherSource, dict[str, frozenset[str]]] = {
    "prometheus": {
        name: frozenset()
        for name in ("up", "scrape_duration_seconds", "scrape_samples_scraped",
                     "scrape_series_added", "scrape_samples_post_metric_relabeling")
    },
    "kube-state-metrics": {
        "kube_daemonset_status_number_unavailable": frozenset({"daemonset"}),
        "kube_daemonset_status_number_ready": frozenset({"daemonset"}),
        "kube_daemonset_status_desired_number_scheduled": frozenset({"daemonset"}),
        "kube_deployment_status_replicas_available": frozenset({"deployment"}),
        "kube_deployment_status_replicas_unavailable": frozenset({"deployment"}),
        "kube_deployment_spec_replicas": frozenset({"deployment"}),
        "kube_pod_container_status_restarts_total": frozenset({"container", "uid"}),
        "kube_pod_status_ready": frozenset({"condition", "uid"}),
    },
}
"""Metrics that are not Istio's but that mesh alerts may use, by source:
Prometheus' own per-target series, and the kube-state-metrics series that
tell whether a DaemonSet or Deployment is ready (a kube-prometheus-stack
runs it). A config lists the sources its Prometheus has
(``observability.alerts.otherMetricSources``)."""

TARGET_LABELS = frozenset({
    "job", "instance", "namespace", "pod", "container", "service", "endpoint", "app",
    "__name__",
})
"""Labels the scrape adds to every series (target labels of the monitors)."""

HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


@dataclass(frozen=True)
class Problem:
    """What is wrong with an expression, for a config error."""

    message: str


def _metric(name: str, sources: tuple[OtherSource, ...]) -> frozenset[str] | None:
    """The labels of a known metric, or None when no source emits it."""
    catalogue = istio_metrics()
    if name in catalogue:
        return catalogue[name].labels
    for suffix in HISTOGRAM_SUFFIXES:
        base = name.removesuffix(suffix)
        if base != name and base in catalogue and catalogue[base].kind == "histogram":
            return catalogue[base].labels | ({"le"} if suffix == "_bucket" else set())
    for source in sources:
        if name in OTHER_SOURCES[source]:
            return OTHER_SOURCES[source][name]
    return None


def _walk(node: object) -> Iterator[object]:
    yield node
    for attr in ("expr", "lhs", "rhs", "vector_selector", "param"):
        child = getattr(node, attr, None)
        if child is not None:
            yield from _walk(child)
    for arg in getattr(node, "args", None) or ():
        yield from _walk(arg)


def _seconds(duration: object) -> float:
    total = getattr(duration, "total_seconds", None)
    return float(total()) if callable(total) else float(str(duration).rstrip("s") or 0)


def check_expression(
    expr: str, *, sources: tuple[OtherSource, ...], scrape_interval_seconds: float
) -> Problem | None:
    """The first problem of one alert expression, or None when it is sound."""
    try:
        tree = promql_parser.parse(expr)
    except (ValueError, RuntimeError) as exc:
        return Problem(f"is not valid PromQL: {str(exc).splitlines()[0]}")
    selected: dict[str, frozenset[str]] = {}
    relabelled = False
    for node in _walk(tree):
        if isinstance(node, promql_parser.VectorSelector):
            name = node.name or next(
                (m.value for m in node.matchers.matchers if m.name == "__name__"), None
            )
            if name is None:
                return Problem("selects series without a metric name; name the metric")
            labels = _metric(name, sources)
            if labels is None:
                allowed = ", ".join(sources) or "none"
                return Problem(
                    f"uses metric {shown(name)}, which Istio {ADDONS_VERSION} does not emit and "
                    f"no declared source ({allowed}) provides; see the metric list in "
                    f"docs/observability.md"
                )
            for matcher in node.matchers.matchers:
                if matcher.name not in labels | TARGET_LABELS:
                    return Problem(
                        f"matches label {shown(matcher.name)} of {shown(name)}, which it does not "
                        f"carry; its labels: {', '.join(sorted(labels)) or 'none'} (and the "
                        f"scrape's: {', '.join(sorted(TARGET_LABELS - {'__name__'}))})"
                    )
            selected[name] = labels
        elif isinstance(node, promql_parser.MatrixSelector):
            if _seconds(node.range) < 2 * scrape_interval_seconds:
                return Problem(
                    f"has a range of {_seconds(node.range):g}s, under two scrape intervals "
                    f"({2 * scrape_interval_seconds:g}s): rate() and increase() return nothing "
                    f"over fewer than two samples"
                )
        elif isinstance(node, promql_parser.Call) and node.func.name in ("label_replace", "label_join"):
            relabelled = True
    if not relabelled:
        known = frozenset().union(*selected.values()) | TARGET_LABELS | {"le"}
        for node in _walk(tree):
            modifier = getattr(node, "modifier", None)
            if isinstance(node, promql_parser.AggregateExpr) and modifier is not None:
                for label in modifier.labels:
                    if label not in known:
                        return Problem(
                            f"groups by label {shown(label)}, which none of its metrics "
                            f"({', '.join(sorted(selected)) or 'none'}) carries"
                        )
    return None

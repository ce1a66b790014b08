"""Istio's observability add-ons for the pinned release, as shipped in this
package (``istio_mesh/addons/<version>/``, copied unchanged from istio/istio
with its licence; see its README.md).

The dashboards, the Prometheus Operator sample and the list of metrics are
per Istio release: Istio's docs tell users to match dashboards to the
installed version, and metric names change between releases (the alert
rules in circulation for old releases name metrics that are gone). So they
are read for one version, and the linter says when the mesh runs another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Literal

import yaml

from istio_mesh.config.versions import DEFAULT_ISTIO_VERSION

ADDONS_VERSION = DEFAULT_ISTIO_VERSION
"""The Istio release whose add-ons this package ships."""

MetricKind = Literal["counter", "gauge", "histogram"]


def _folder() -> Traversable:
    return resources.files("istio_mesh") / "addons" / ADDONS_VERSION


@dataclass(frozen=True)
class Metric:
    """One metric the pinned Istio emits: its kind and the labels it may carry."""

    name: str
    kind: MetricKind
    component: str
    labels: frozenset[str]


@cache
def istio_metrics() -> dict[str, Metric]:
    """Every metric the pinned Istio release emits, by name (``metrics.json``,
    derived from the source by tools/observability/derive_metrics.py)."""
    data = json.loads((_folder() / "metrics.json").read_text(encoding="utf-8"))
    return {
        name: Metric(name, entry["kind"], entry["component"], frozenset(entry["labels"]))
        for name, entry in data["metrics"].items()
    }


DASHBOARD_FILES = (
    "istio-extension-dashboard.json",
    "istio-mesh-dashboard.gen.json",
    "istio-performance-dashboard.json",
    "istio-service-dashboard.json",
    "istio-workload-dashboard.json",
    "pilot-dashboard.gen.json",
    "ztunnel-dashboard.gen.json",
)
"""Istio's Grafana dashboards (manifests/addons/dashboards/*.json)."""


@cache
def dashboard_text(file: str) -> str:
    """One dashboard's JSON text, exactly as upstream ships it."""
    if file not in DASHBOARD_FILES:
        raise ValueError(f"no dashboard {file!r}; shipped: {', '.join(DASHBOARD_FILES)}")
    return (_folder() / "dashboards" / file).read_bytes().decode("utf-8")


@cache
def prometheus_operator_sample() -> tuple[dict[str, Any], ...]:
    """Istio's samples/addons/extras/prometheus-operator.yaml: its PodMonitor
    (every Envoy) and ServiceMonitor (istiod)."""
    text = (_folder() / "prometheus-operator.yaml").read_text(encoding="utf-8")
    return tuple(doc for doc in yaml.safe_load_all(text) if doc)


KIALI_PAIRING: dict[tuple[int, int], str] = {
    (1, 24): "2.0.0",
    (1, 25): "2.5.0",
    (1, 26): "2.9.0",
    (1, 27): "2.12.0",
    (1, 28): "2.17.0",
    (1, 29): "2.21.0",
    (1, 30): "2.26.0",
}
"""Istio minor -> the oldest kiali-server chart documented for it.

1.24 to 1.28 from Kiali's compatibility table (kiali.io, Installation >
Prerequisites: the Kiali release tested with each Istio release). 1.29 and
1.30 from Istio's own add-ons (manifests/addons/gen.sh at 1.29.6 and at
1.30.3, whose Kiali bump says "update Kiali to 2.26 - it works with Istio
1.30"): since 1.29 istiod authorizes its debug endpoints, which older Kiali
releases call without credentials. The default chart version is this one.
"""

"""Istio's observability add-ons shipped in the package for the pinned
release (istio_mesh.config.addons): its metrics, Grafana dashboards,
Prometheus Operator sample and the Kiali chart paired with each Istio minor.

Checks what each reader returns for the shipped 1.30.3 files, and what it
refuses.
"""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import pytest

from istio_mesh.config.addons import (
    ADDONS_VERSION,
    DASHBOARD_FILES,
    KIALI_PAIRING,
    Metric,
    dashboard_text,
    istio_metrics,
    prometheus_operator_sample,
)


def test_the_addons_are_those_of_the_pinned_istio_release() -> None:
    assert ADDONS_VERSION == "1.30.3"


# -- istio_metrics ---------------------------------------------------------------


def test_a_proxy_counter_is_read_with_its_kind_component_and_labels() -> None:
    metric = istio_metrics()["pilot_xds_pushes"]
    assert metric == Metric("pilot_xds_pushes", "counter", "istiod", frozenset({"type", "version"}))


def test_a_histogram_is_read_as_a_histogram() -> None:
    metric = istio_metrics()["pilot_proxy_convergence_time"]
    assert (metric.kind, metric.component) == ("histogram", "istiod")


def test_the_request_counter_carries_the_standard_istio_labels() -> None:
    labels = istio_metrics()["istio_requests_total"].labels
    assert {"reporter", "response_code", "destination_service", "source_workload"} <= labels
    assert len(labels) == 25


def test_a_metric_without_labels_has_an_empty_label_set() -> None:
    metric = istio_metrics()["ztunnel_connected"]
    assert (metric.kind, metric.component, metric.labels) == ("gauge", "istio-cni", frozenset())


def test_a_metric_of_the_mixer_era_is_not_among_the_pinned_release_metrics() -> None:
    assert "istio_request_count" not in istio_metrics()


def test_the_pinned_release_emits_136_metrics_of_three_kinds() -> None:
    metrics = istio_metrics()
    assert len(metrics) == 136
    assert {m.kind for m in metrics.values()} == {"counter", "gauge", "histogram"}


def test_every_metric_is_filed_under_its_own_name() -> None:
    assert [name for name, metric in istio_metrics().items() if metric.name != name] == []


def test_a_metric_cannot_be_changed() -> None:
    metric = istio_metrics()["pilot_xds_pushes"]
    with pytest.raises(FrozenInstanceError):
        metric.kind = "gauge"  # type: ignore[misc]


def test_the_metrics_are_read_once_and_shared() -> None:
    assert istio_metrics() is istio_metrics()


# -- dashboards ----------------------------------------------------------------------


def test_the_seven_upstream_dashboards_are_shipped() -> None:
    assert DASHBOARD_FILES == (
        "istio-extension-dashboard.json",
        "istio-mesh-dashboard.gen.json",
        "istio-performance-dashboard.json",
        "istio-service-dashboard.json",
        "istio-workload-dashboard.json",
        "pilot-dashboard.gen.json",
        "ztunnel-dashboard.gen.json",
    )


def test_a_dashboard_is_its_upstream_text_unchanged() -> None:
    text = dashboard_text("pilot-dashboard.gen.json")
    assert text.startswith('{\n   "graphTooltip": 1,\n   "panels": [\n')
    assert text.endswith("}\n")


@pytest.mark.parametrize(
    ("file", "title"),
    [
        ("pilot-dashboard.gen.json", "Istio Control Plane Dashboard"),
        ("istio-mesh-dashboard.gen.json", "Istio Mesh Dashboard"),
    ],
)
def test_a_dashboard_is_grafana_json_with_its_title(file: str, title: str) -> None:
    assert json.loads(dashboard_text(file))["title"] == title


def test_every_listed_dashboard_can_be_read() -> None:
    assert all(dashboard_text(file).lstrip().startswith("{") for file in DASHBOARD_FILES)


def test_a_dashboard_that_is_not_shipped_is_refused_with_the_shipped_list() -> None:
    with pytest.raises(ValueError) as caught:
        dashboard_text("kiali-dashboard.json")
    assert str(caught.value) == (
        "no dashboard 'kiali-dashboard.json'; shipped: istio-extension-dashboard.json, "
        "istio-mesh-dashboard.gen.json, istio-performance-dashboard.json, "
        "istio-service-dashboard.json, istio-workload-dashboard.json, "
        "pilot-dashboard.gen.json, ztunnel-dashboard.gen.json"
    )


def test_a_path_outside_the_dashboards_folder_is_refused() -> None:
    with pytest.raises(ValueError, match="no dashboard '../metrics.json'"):
        dashboard_text("../metrics.json")


# -- prometheus_operator_sample ----------------------------------------------------------


def test_the_operator_sample_is_a_pod_monitor_then_a_service_monitor() -> None:
    sample = prometheus_operator_sample()
    assert [(doc["kind"], doc["metadata"]["name"]) for doc in sample] == [
        ("PodMonitor", "envoy-stats-monitor"),
        ("ServiceMonitor", "istio-component-monitor"),
    ]
    assert {doc["apiVersion"] for doc in sample} == {"monitoring.coreos.com/v1"}


def test_the_pod_monitor_scrapes_every_envoy_and_the_service_monitor_istiod() -> None:
    pods, service = prometheus_operator_sample()
    assert pods["spec"]["podMetricsEndpoints"][0]["path"] == "/stats/prometheus"
    assert pods["spec"]["namespaceSelector"] == {"any": True}
    assert service["spec"]["selector"]["matchExpressions"] == [
        {"key": "istio", "operator": "In", "values": ["pilot"]}
    ]
    assert service["spec"]["endpoints"] == [{"port": "http-monitoring", "interval": "15s"}]


def test_the_operator_sample_holds_no_empty_documents() -> None:
    assert len(prometheus_operator_sample()) == 2


# -- KIALI_PAIRING -------------------------------------------------------------------------


def test_each_supported_istio_minor_has_a_kiali_chart() -> None:
    assert sorted(KIALI_PAIRING) == [(1, 24), (1, 25), (1, 26), (1, 27), (1, 28), (1, 29), (1, 30)]


def test_istio_1_29_and_1_30_pair_with_the_kiali_their_addons_install() -> None:
    assert KIALI_PAIRING[(1, 29)] == "2.21.0"
    assert KIALI_PAIRING[(1, 30)] == "2.26.0"


def test_an_unsupported_istio_minor_has_no_kiali_pairing() -> None:
    assert (1, 23) not in KIALI_PAIRING
    assert (1, 31) not in KIALI_PAIRING

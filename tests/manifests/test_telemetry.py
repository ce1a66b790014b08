"""``manifests.telemetry`` builds Telemetry resources (mesh-wide and one per
namespace override) and, when asked, prometheus-operator monitors for every
Envoy and istiod. This file checks the exact objects and that sections with
nothing in them are left out rather than written empty."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.config.telemetry import TelemetryPolicy
from istio_mesh.manifests.telemetry import (
    control_plane_service_monitor,
    monitor_manifests,
    proxy_pod_monitor,
    telemetry,
    telemetry_manifests,
    telemetry_spec,
)

OTEL = ("mesh:\n  extensionProviders:\n"
        "    - {name: otel, opentelemetry: {service: otel.observability.svc.cluster.local, port: 4317}}\n")


def _policy(**sections: object) -> TelemetryPolicy:
    return TelemetryPolicy.model_validate(sections)


def test_every_section_field_is_written_as_istio_spells_it() -> None:
    policy = _policy(
        tracing={"providers": ["otel"], "randomSamplingPercentage": 2.5, "disableSpanReporting": False},
        accessLogging={"providers": ["envoy"], "disabled": False, "filter": "response.code >= 400"},
        metrics={"providers": ["prometheus"]},
    )
    assert telemetry_spec(policy) == {
        "tracing": [{"providers": [{"name": "otel"}], "randomSamplingPercentage": 2.5,
                     "disableSpanReporting": False}],
        "accessLogging": [{"providers": [{"name": "envoy"}], "disabled": False,
                           "filter": {"expression": "response.code >= 400"}}],
        "metrics": [{"providers": [{"name": "prometheus"}]}],
    }


def test_sections_set_with_nothing_in_them_are_left_out() -> None:
    assert telemetry_spec(_policy(tracing={}, accessLogging={}, metrics={})) == {}


def test_a_policy_without_sections_has_an_empty_spec() -> None:
    assert telemetry_spec(_policy()) == {}


def test_a_telemetry_names_its_namespace_and_carries_the_spec() -> None:
    assert telemetry("mesh-default", "istio-system", _policy(accessLogging={"disabled": True})) == {
        "apiVersion": "telemetry.istio.io/v1",
        "kind": "Telemetry",
        "metadata": {"name": "mesh-default", "namespace": "istio-system"},
        "spec": {"accessLogging": [{"disabled": True}]},
    }


def test_a_config_without_telemetry_makes_no_telemetry() -> None:
    assert telemetry_manifests(config_from("{}")) == []


def test_the_mesh_wide_telemetry_comes_first_then_overrides_in_config_order() -> None:
    config = config_from(OTEL + """  telemetry:
    tracing: {providers: [otel], randomSamplingPercentage: 1}
    namespaces:
      shop: {tracing: {randomSamplingPercentage: 50}}
      blog: {tracing: {}}
      api: {accessLogging: {disabled: true}}
namespaces: [{name: shop}, {name: blog}, {name: api}]
""")
    assert [(m["metadata"]["namespace"], m["metadata"]["name"], m["spec"]) for m in telemetry_manifests(config)] == [
        ("istio-system", "mesh-default", {"tracing": [{"providers": [{"name": "otel"}],
                                                       "randomSamplingPercentage": 1.0}]}),
        ("shop", "namespace-default", {"tracing": [{"randomSamplingPercentage": 50.0}]}),
        ("api", "namespace-default", {"accessLogging": [{"disabled": True}]}),
    ]


def test_a_mesh_wide_policy_that_says_nothing_is_left_out_but_overrides_stay() -> None:
    config = config_from("mesh: {telemetry: {metrics: {}, namespaces: {shop: {metrics: {providers: [prometheus]}}}}}\n"
                         "namespaces: [{name: shop}]\n")
    assert [m["metadata"]["namespace"] for m in telemetry_manifests(config)] == ["shop"]


def test_the_proxy_pod_monitor_scrapes_every_annotated_istio_proxy() -> None:
    config = config_from("mesh: {telemetry: {prometheusOperator: {enabled: true}}}")
    assert proxy_pod_monitor(config) == {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PodMonitor",
        "metadata": {"name": "envoy-stats-monitor", "namespace": "istio-system"},
        "spec": {
            "selector": {"matchExpressions": [{"key": "istio-prometheus-ignore", "operator": "DoesNotExist"}]},
            "namespaceSelector": {"any": True},
            "jobLabel": "envoy-stats",
            "podMetricsEndpoints": [{
                "path": "/stats/prometheus",
                "interval": "15s",
                "relabelings": [
                    {"action": "keep", "sourceLabels": ["__meta_kubernetes_pod_container_name"],
                     "regex": "istio-proxy"},
                    {"action": "keep",
                     "sourceLabels": ["__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape"]},
                    {"action": "replace",
                     "sourceLabels": ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
                     "regex": "([^:]+)(?::\\d+)?;(\\d+)", "replacement": "$1:$2",
                     "targetLabel": "__address__"},
                    {"action": "labeldrop", "regex": "__meta_kubernetes_pod_label_(.+)"},
                    {"action": "replace", "sourceLabels": ["__meta_kubernetes_namespace"],
                     "targetLabel": "namespace"},
                    {"action": "replace", "sourceLabels": ["__meta_kubernetes_pod_name"],
                     "targetLabel": "pod_name"},
                ],
            }],
        },
    }


def test_the_istiod_service_monitor_carries_the_configured_labels_and_interval() -> None:
    config = config_from("istioNamespace: mesh-root\n"
                         "mesh: {telemetry: {prometheusOperator: {enabled: true, labels: {release: prom},"
                         " interval: 1m}}}")
    assert control_plane_service_monitor(config) == {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "istio-component-monitor", "namespace": "mesh-root", "labels": {"release": "prom"}},
        "spec": {
            "jobLabel": "istio",
            "targetLabels": ["app"],
            "selector": {"matchExpressions": [{"key": "istio", "operator": "In", "values": ["pilot"]}]},
            "namespaceSelector": {"matchNames": ["mesh-root"]},
            "endpoints": [{"port": "http-monitoring", "interval": "1m"}],
        },
    }


def test_monitors_are_made_only_when_the_option_is_on() -> None:
    assert monitor_manifests(config_from("{}")) == []
    on = monitor_manifests(config_from("mesh: {telemetry: {prometheusOperator: {enabled: true}}}"))
    assert [(m["kind"], m["metadata"]["name"]) for m in on] == [
        ("PodMonitor", "envoy-stats-monitor"), ("ServiceMonitor", "istio-component-monitor")]

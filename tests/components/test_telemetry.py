"""TelemetryResources and PrometheusMonitors (components/telemetry.py): the
mesh-wide Telemetry and per-namespace overrides, and prometheus-operator's
PodMonitor and ServiceMonitor in the root namespace. This file checks what
they render and the refusal of an override before its namespace."""

from __future__ import annotations

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.components.upstream import Rendered
from istio_mesh.plan import policies_plan

TELEMETRY = """
namespaces: [{name: shop, create: true}]
mesh:
  extensionProviders:
    - name: otel
      opentelemetry: {service: otel.obs.svc.cluster.local, port: 4317}
  telemetry:
    tracing: {providers: [otel], randomSamplingPercentage: 1}
    namespaces:
      shop: {tracing: {randomSamplingPercentage: 10}}
    prometheusOperator: {enabled: true}
"""


def test_the_mesh_wide_telemetry_and_a_namespace_override_after_its_namespace() -> None:
    from istio_mesh.components import MeshNamespace, TelemetryResources

    plan = policies_plan(config_from(TELEMETRY))
    stack = fresh_stack()
    rendered = Rendered(stack)
    (shop,) = plan.namespaces
    rendered.add(shop.address, MeshNamespace(stack, "shop", namespace=shop).resource)
    TelemetryResources(stack, "telemetry", items=plan.telemetry, rendered=rendered)
    assert synth_stack(stack)["resource"]["kubernetes_manifest"] == {
        "telemetry_istio-system_mesh-default": {"manifest": {
            "apiVersion": "telemetry.istio.io/v1",
            "kind": "Telemetry",
            "metadata": {"name": "mesh-default", "namespace": "istio-system"},
            "spec": {"tracing": [{"providers": [{"name": "otel"}], "randomSamplingPercentage": 1}]},
        }},
        "telemetry_shop_namespace-default": {
            "manifest": {
                "apiVersion": "telemetry.istio.io/v1",
                "kind": "Telemetry",
                "metadata": {"name": "namespace-default", "namespace": "shop"},
                "spec": {"tracing": [{"randomSamplingPercentage": 10}]},
            },
            "depends_on": ["kubernetes_namespace_v1.shop"],
        },
    }


def test_a_namespace_override_before_its_namespace_is_refused() -> None:
    from istio_mesh.components import TelemetryResources

    plan = policies_plan(config_from(TELEMETRY))
    with pytest.raises(ValueError, match=r"^test: rendered out of plan order: kubernetes_namespace_v1.shop not rendered yet$"):
        TelemetryResources(fresh_stack(), "telemetry", items=plan.telemetry, rendered=Rendered(fresh_stack()))


def test_the_monitors_scrape_every_envoy_and_istiod_from_the_root_namespace() -> None:
    from istio_mesh.components import PrometheusMonitors

    stack = fresh_stack()
    PrometheusMonitors(stack, "monitors", items=policies_plan(config_from(TELEMETRY)).monitors)
    manifests = synth_stack(stack)["resource"]["kubernetes_manifest"]
    assert sorted(manifests) == [
        "pod_monitor_istio-system_envoy-stats-monitor", "service_monitor_istio-system_istio-component-monitor",
    ]
    assert manifests["service_monitor_istio-system_istio-component-monitor"] == {"manifest": {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "istio-component-monitor", "namespace": "istio-system"},
        "spec": {
            "endpoints": [{"interval": "15s", "port": "http-monitoring"}],
            "jobLabel": "istio",
            "namespaceSelector": {"matchNames": ["istio-system"]},
            "selector": {"matchExpressions": [{"key": "istio", "operator": "In", "values": ["pilot"]}]},
            "targetLabels": ["app"],
        },
    }}
    envoy = manifests["pod_monitor_istio-system_envoy-stats-monitor"]["manifest"]
    assert (envoy["kind"], envoy["spec"]["namespaceSelector"]) == ("PodMonitor", {"any": True})


def test_without_prometheus_operator_there_are_no_monitors() -> None:
    from istio_mesh.components import PrometheusMonitors

    stack = fresh_stack()
    monitors = PrometheusMonitors(stack, "monitors", items=policies_plan(config_from("{}")).monitors)
    assert monitors.resources == []
    assert "resource" not in synth_stack(stack)

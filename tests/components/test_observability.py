"""The observability section's constructs (components/observability.py):
ObservabilityResources (monitors, alert rules, dashboards) in the policies
stack and KialiServer in the mesh stack. This file checks what each renders
from the plan, and the refusals when an upstream object is missing."""

from __future__ import annotations

import json

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.components.upstream import Rendered
from istio_mesh.plan import mesh_plan, policies_plan

MONITORS = (
    "namespaces: [{name: monitoring, create: true}]\n"
    "observability: {prometheusOperator: installed, namespace: monitoring, dashboards: {enabled: false},"
    " alerts: {enabled: false}, kiali: {enabled: true}}"
)


def test_the_monitors_render_in_their_namespace_after_it() -> None:
    from istio_mesh.components import MeshNamespace
    from istio_mesh.components.observability import ObservabilityResources

    plan = policies_plan(config_from(MONITORS))
    stack = fresh_stack()
    rendered = Rendered(stack)
    (namespace,) = plan.namespaces
    rendered.add(namespace.address, MeshNamespace(stack, "ns", namespace=namespace).resource)
    ObservabilityResources(stack, "observability", items=plan.observability, rendered=rendered)
    manifests = synth_stack(stack)["resource"]["kubernetes_manifest"]
    assert sorted(manifests) == [
        "pod_monitor_monitoring_envoy-stats-monitor", "service_monitor_monitoring_istio-component-monitor",
    ]
    service_monitor = manifests["service_monitor_monitoring_istio-component-monitor"]
    assert service_monitor["depends_on"] == ["kubernetes_namespace_v1.monitoring"]
    assert service_monitor["manifest"] == {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {
            "name": "istio-component-monitor", "namespace": "monitoring",
            "labels": {"app.kubernetes.io/managed-by": "istio-mesh"},
        },
        "spec": {
            "jobLabel": "istio",
            "targetLabels": ["app"],
            "selector": {"matchExpressions": [{"key": "istio", "operator": "In", "values": ["pilot"]}]},
            "namespaceSelector": {"matchNames": ["istio-system"]},
            "endpoints": [{"port": "http-monitoring", "interval": "30s"}],
        },
    }


def test_the_monitors_without_their_namespace_rendered_are_refused() -> None:
    from istio_mesh.components.observability import ObservabilityResources

    plan = policies_plan(config_from(MONITORS))
    with pytest.raises(
        ValueError, match=r"^test: rendered out of plan order: kubernetes_namespace_v1.monitoring not rendered yet$"
    ):
        ObservabilityResources(fresh_stack(), "observability", items=plan.observability, rendered=Rendered(fresh_stack()))


def test_kiali_installs_from_kialis_repository_after_istiod() -> None:
    from istio_mesh.components import IstioBase, Istiod
    from istio_mesh.components.observability import KialiServer

    plan = mesh_plan(config_from(MONITORS))
    assert plan.kiali is not None
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    istiod = Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource])
    KialiServer(stack, "kiali", release=plan.kiali, after=[istiod.resource])
    kiali = synth_stack(stack)["resource"]["helm_release"]["kiali"]
    assert (kiali["name"], kiali["chart"], kiali["repository"], kiali["version"], kiali["namespace"]) == (
        "kiali", "kiali-server", "https://kiali.org/helm-charts", "2.26.0", "istio-system")
    assert kiali["depends_on"] == ["helm_release.istiod"]
    values = json.loads(kiali["values"][0])
    assert values["external_services"]["prometheus"] == {"url": "http://prometheus-operated.monitoring:9090"}
    assert values["deployment"] == {"pod_labels": {"sidecar.istio.io/inject": "false"}}


def test_kiali_without_istiod_is_refused() -> None:
    from istio_mesh.components.observability import KialiServer

    plan = mesh_plan(config_from(MONITORS))
    assert plan.kiali is not None
    with pytest.raises(ValueError, match=r"^test/kiali: release 'kiali' comes after helm_release.istiod in the mesh plan"):
        KialiServer(fresh_stack(), "kiali", release=plan.kiali)

"""``manifests.observability`` builds the ``observability:`` section's objects:
prometheus-operator monitors from Istio's sample, the alert rules, Grafana
dashboard ConfigMaps and Kiali's chart values. This file checks the exact
objects for small configs and when each is left out."""

from __future__ import annotations

import json

import pytest

from conftest import config_from
from istio_mesh.manifests.observability import (
    control_plane_rules,
    dashboard_name,
    dashboards,
    data_plane_rules,
    kiali_values,
    monitors,
    observability_manifests,
    prometheus_rules,
    sample_monitors,
)

ON = "observability:\n  prometheusOperator: installed\n"
AMBIENT = "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"
MANAGED = {"app.kubernetes.io/managed-by": "istio-mesh"}

# Istio 1.30.3's samples/addons/extras/prometheus-operator.yaml PodMonitor relabelings.
SAMPLE_RELABELINGS = [
    {"action": "keep", "sourceLabels": ["__meta_kubernetes_pod_container_name"], "regex": "istio-proxy"},
    {"action": "keep", "sourceLabels": ["__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape"]},
    {"action": "replace", "regex": "(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})",
     "replacement": "[$2]:$1",
     "sourceLabels": ["__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_ip"],
     "targetLabel": "__address__"},
    {"action": "replace", "regex": "(\\d+);((([0-9]+?)(\\.|$)){4})", "replacement": "$2:$1",
     "sourceLabels": ["__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_ip"],
     "targetLabel": "__address__"},
    {"action": "labeldrop", "regex": "__meta_kubernetes_pod_label_(.+)"},
    {"sourceLabels": ["__meta_kubernetes_namespace"], "action": "replace", "targetLabel": "namespace"},
    {"sourceLabels": ["__meta_kubernetes_pod_name"], "action": "replace", "targetLabel": "pod"},
]


# --- monitors ---------------------------------------------------------------------


def test_the_sample_monitors_take_the_configs_namespace_labels_interval_and_namespaces() -> None:
    config = config_from(ON + "  namespace: monitoring\n  labels: {release: kps}\n"
                         "  monitors: {interval: 1m, namespaces: [shop, blog]}\n")
    assert sample_monitors(config) == [
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PodMonitor",
            "metadata": {"name": "envoy-stats-monitor", "namespace": "monitoring",
                         "labels": {**MANAGED, "release": "kps"}},
            "spec": {
                "selector": {"matchExpressions": [{"key": "istio-prometheus-ignore", "operator": "DoesNotExist"}]},
                "namespaceSelector": {"matchNames": ["shop", "blog"]},
                "jobLabel": "envoy-stats",
                "podMetricsEndpoints": [{"path": "/stats/prometheus", "interval": "1m",
                                         "relabelings": SAMPLE_RELABELINGS}],
            },
        },
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "ServiceMonitor",
            "metadata": {"name": "istio-component-monitor", "namespace": "monitoring",
                         "labels": {**MANAGED, "release": "kps"}},
            "spec": {
                "jobLabel": "istio",
                "targetLabels": ["app"],
                "selector": {"matchExpressions": [{"key": "istio", "operator": "In", "values": ["pilot"]}]},
                "namespaceSelector": {"matchNames": ["istio-system"]},
                "endpoints": [{"port": "http-monitoring", "interval": "1m"}],
            },
        },
    ]


def test_without_namespaces_the_pod_monitor_scrapes_every_namespace_in_the_root_one() -> None:
    pod = sample_monitors(config_from(ON))[0]
    assert pod["metadata"] == {"name": "envoy-stats-monitor", "namespace": "istio-system", "labels": MANAGED}
    assert pod["spec"]["namespaceSelector"] == {"any": True}
    assert pod["spec"]["podMetricsEndpoints"][0]["interval"] == "30s"


def test_one_configs_settings_do_not_leak_into_the_next_configs_monitors() -> None:
    sample_monitors(config_from(ON + "  monitors: {interval: 2m, namespaces: [shop]}\n"))
    pod = sample_monitors(config_from(ON))[0]
    assert (pod["spec"]["podMetricsEndpoints"][0]["interval"], pod["spec"]["namespaceSelector"]) == (
        "30s", {"any": True})


def test_no_monitors_without_the_section_or_with_monitors_off() -> None:
    assert monitors(config_from("{}")) == []
    assert monitors(config_from(ON + "  monitors: {enabled: false}\n")) == []


def test_a_sidecar_mesh_without_cni_gets_only_the_two_sample_monitors() -> None:
    assert [m["metadata"]["name"] for m in monitors(config_from(ON))] == [
        "envoy-stats-monitor", "istio-component-monitor"]


def test_the_cni_agent_gets_a_pod_monitor_for_its_pods_in_its_namespace() -> None:
    config = config_from("cni: {enabled: true}\n" + ON + "  monitors: {interval: 45s}\n")
    found = monitors(config)
    assert [m["metadata"]["name"] for m in found] == [
        "envoy-stats-monitor", "istio-component-monitor", "istio-cni-monitor"]
    assert found[2] == {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PodMonitor",
        "metadata": {"name": "istio-cni-monitor", "namespace": "istio-system", "labels": MANAGED},
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "istio-cni-node"}},
            "namespaceSelector": {"matchNames": ["kube-system"]},
            "jobLabel": "k8s-app",
            "podMetricsEndpoints": [{"port": "metrics", "path": "/metrics", "interval": "45s"}],
        },
    }


def test_ambient_adds_a_ztunnel_pod_monitor_before_the_cni_one() -> None:
    found = monitors(config_from(AMBIENT + ON))
    assert [m["metadata"]["name"] for m in found] == [
        "envoy-stats-monitor", "istio-component-monitor", "ztunnel-monitor", "istio-cni-monitor"]
    assert found[2]["spec"] == {
        "selector": {"matchLabels": {"app": "ztunnel"}},
        "namespaceSelector": {"matchNames": ["istio-system"]},
        "jobLabel": "app",
        "podMetricsEndpoints": [{"port": "ztunnel-stats", "path": "/stats/prometheus", "interval": "30s"}],
    }


# --- alert rules ------------------------------------------------------------------


def test_control_plane_rules_use_the_configured_thresholds() -> None:
    config = config_from(ON + "  alerts: {thresholds: {certificateExpiryDays: 7, for: 5m}}\n")
    assert control_plane_rules(config) == [
        {"alert": "IstiodDown", "expr": 'absent(up{job="pilot"} == 1)', "for": "5m",
         "labels": {"severity": "critical"},
         "annotations": {"summary": "No istiod instance is up: proxies get no configuration or "
                                    "certificates and no pod gets a sidecar."}},
        {"alert": "IstioXdsPushErrors",
         "expr": 'sum by (type) (rate(pilot_xds_pushes{type=~".+_senderr"}[5m])) > 0', "for": "5m",
         "labels": {"severity": "warning"},
         "annotations": {"summary": "istiod fails to send xDS pushes to proxies."}},
        {"alert": "IstioXdsRejects", "expr": "sum(rate(pilot_total_xds_rejects[5m])) > 0", "for": "5m",
         "labels": {"severity": "warning"},
         "annotations": {"summary": "Proxies reject configuration istiod sends them."}},
        {"alert": "IstioConfigRejected", "expr": "sum by (type) (rate(pilot_total_rejected_configs[5m])) > 0",
         "for": "5m", "labels": {"severity": "warning"},
         "annotations": {"summary": "istiod rejects Istio resources it was given."}},
        {"alert": "IstioValidationWebhookErrors", "expr": "sum(rate(galley_validation_http_error[5m])) > 0",
         "for": "5m", "labels": {"severity": "warning"},
         "annotations": {"summary": "The config validation webhook answers with errors."}},
        {"alert": "IstioWebhookPatchFailures", "expr": "sum(rate(webhook_patch_failures_total[5m])) > 0",
         "for": "5m", "labels": {"severity": "warning"},
         "annotations": {"summary": "istiod fails to patch its webhook configurations."}},
        {"alert": "IstioSidecarInjectionFailures", "expr": "sum(rate(sidecar_injection_failure_total[5m])) > 0",
         "for": "5m", "labels": {"severity": "warning"},
         "annotations": {"summary": "Sidecar injection fails: new pods start without their proxy."}},
        {"alert": "IstioRootCertificateExpiring", "expr": "min(citadel_server_root_cert_expiry_seconds) < 604800",
         "for": "0s", "labels": {"severity": "critical"},
         "annotations": {"summary": "istiod's root certificate expires within 7 days."}},
        {"alert": "IstioSigningCertificateExpiring",
         "expr": "min(citadel_server_cert_chain_expiry_seconds) < 604800", "for": "0s",
         "labels": {"severity": "critical"},
         "annotations": {"summary": "istiod's signing certificate chain expires within 7 days."}},
    ]


def test_a_sidecar_mesh_without_gateways_or_cni_has_no_data_plane_rules() -> None:
    assert data_plane_rules(config_from(ON)) == []


def test_ambient_with_gateways_gets_readiness_install_and_5xx_rules() -> None:
    config = config_from(AMBIENT + "gateways: [{name: istio-ingressgateway, kind: ingress},"
                         " {name: partner, kind: ingress, namespace: partners}]\n"
                         + ON + "  alerts: {thresholds: {gateway5xxRatio: 0.1}}\n")
    selector = 'reporter="source",source_workload=~"istio-ingressgateway|partner"'
    by = "by (source_workload, source_workload_namespace)"
    assert data_plane_rules(config) == [
        {"alert": "ZtunnelNotReady",
         "expr": 'max(kube_daemonset_status_number_unavailable{daemonset="ztunnel",namespace="istio-system"}) > 0',
         "for": "10m", "labels": {"severity": "critical"},
         "annotations": {"summary": "ztunnel pods are not ready: ambient workloads on their nodes lose traffic."}},
        {"alert": "IstioCniNotReady",
         "expr": 'max(kube_daemonset_status_number_unavailable{daemonset="istio-cni-node",'
                 'namespace="kube-system"}) > 0',
         "for": "10m", "labels": {"severity": "critical"},
         "annotations": {"summary": "istio-cni pods are not ready: new pods on their nodes cannot start "
                                    "in the mesh."}},
        {"alert": "IstioCniInstallNotReady", "expr": "min(istio_cni_install_ready) == 0", "for": "10m",
         "labels": {"severity": "warning"},
         "annotations": {"summary": "An istio-cni agent has not installed its plugin on its node."}},
        {"alert": "IstioGateway5xxRatioHigh",
         "expr": f'sum {by} (rate(istio_requests_total{{{selector},response_code=~"5.."}}[5m]))'
                 f" / sum {by} (rate(istio_requests_total{{{selector}}}[5m])) > 0.1",
         "for": "10m", "labels": {"severity": "critical"},
         "annotations": {"summary": "More than 10% of a gateway's responses are 5xx."}},
    ]


def test_without_kube_state_metrics_the_daemonset_readiness_rules_are_left_out() -> None:
    config = config_from("cni: {enabled: true}\n" + ON + "  alerts: {otherMetricSources: [prometheus]}\n")
    assert [r["alert"] for r in data_plane_rules(config)] == ["IstioCniInstallNotReady"]


def test_gateway_api_gateways_get_no_5xx_rule_from_the_chart_gateway_list() -> None:
    config = config_from("gateways: [{name: web, kind: ingress, api: gateway-api,"
                         " listeners: [{name: a, port: 80}]}]\n" + ON)
    assert data_plane_rules(config) == []


def test_the_rule_object_holds_only_groups_with_rules_and_the_users_own() -> None:
    config = config_from(ON + "  labels: {release: kps}\n  alerts:\n    rules:\n"
                         "      - {alert: MyUp, expr: 'up == 0', severity: info}\n"
                         "      - {alert: MyDown, expr: 'up == 0', for: 1m, summary: Down.}\n")
    [rule] = prometheus_rules(config)
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["kind"] == "PrometheusRule"
    assert rule["metadata"] == {"name": "istio-mesh-alerts", "namespace": "istio-system",
                                "labels": {**MANAGED, "release": "kps"}}
    groups = rule["spec"]["groups"]
    assert [g["name"] for g in groups] == ["istio.control-plane", "istio.custom"]
    assert groups[1]["rules"] == [
        {"alert": "MyUp", "expr": "up == 0", "for": "5m", "labels": {"severity": "info"}},
        {"alert": "MyDown", "expr": "up == 0", "for": "1m", "labels": {"severity": "warning"},
         "annotations": {"summary": "Down."}},
    ]


def test_no_rule_object_without_the_section_or_with_alerts_off() -> None:
    assert prometheus_rules(config_from("{}")) == []
    assert prometheus_rules(config_from(ON + "  alerts: {enabled: false}\n")) == []


# --- dashboards -------------------------------------------------------------------


@pytest.mark.parametrize(("file", "name"), [
    ("pilot-dashboard.gen.json", "istio-dashboard-pilot"),
    ("istio-mesh-dashboard.gen.json", "istio-dashboard-mesh"),
    ("istio-extension-dashboard.json", "istio-dashboard-extension"),
])
def test_a_dashboard_configmap_is_named_after_its_file(file: str, name: str) -> None:
    assert dashboard_name(file) == name


def test_every_pinned_dashboard_is_a_labelled_configmap_in_the_root_namespace() -> None:
    found = dashboards(config_from(ON))
    assert [m["metadata"]["name"] for m in found] == [
        "istio-dashboard-extension", "istio-dashboard-mesh", "istio-dashboard-performance",
        "istio-dashboard-service", "istio-dashboard-workload", "istio-dashboard-pilot",
        "istio-dashboard-ztunnel",
    ]
    pilot = found[5]
    assert (pilot["apiVersion"], pilot["kind"]) == ("v1", "ConfigMap")
    assert pilot["metadata"] == {
        "name": "istio-dashboard-pilot",
        "namespace": "istio-system",
        "labels": {**MANAGED, "istio.io/dashboards-version": "1.30.3", "grafana_dashboard": "1"},
        "annotations": {"grafana_folder": "Istio"},
    }
    assert list(pilot["data"]) == ["pilot-dashboard.json"]
    assert json.loads(pilot["data"]["pilot-dashboard.json"])["title"] == "Istio Control Plane Dashboard"


def test_dashboards_follow_their_own_namespace_labels_and_no_folder() -> None:
    config = config_from(ON + "  dashboards: {namespace: grafana, labels: {dash: 'yes'}, folder: null}\n")
    assert dashboards(config)[0]["metadata"] == {
        "name": "istio-dashboard-extension",
        "namespace": "grafana",
        "labels": {**MANAGED, "istio.io/dashboards-version": "1.30.3", "dash": "yes"},
    }


def test_no_dashboards_without_the_section_or_with_dashboards_off() -> None:
    assert dashboards(config_from("{}")) == []
    assert dashboards(config_from(ON + "  dashboards: {enabled: false}\n")) == []


def test_all_objects_come_as_monitors_then_rules_then_dashboards() -> None:
    kinds = [m["kind"] for m in observability_manifests(config_from(ON))]
    assert kinds == ["PodMonitor", "ServiceMonitor", "PrometheusRule"] + ["ConfigMap"] * 7


def test_no_objects_without_the_section() -> None:
    assert observability_manifests(config_from("{}")) == []


# --- Kiali ------------------------------------------------------------------------


def test_kiali_defaults_to_token_sign_in_no_grafana_and_no_sidecar() -> None:
    assert kiali_values(config_from(ON + "  kiali: {enabled: true}\n")) == {
        "auth": {"strategy": "token"},
        "deployment": {"pod_labels": {"sidecar.istio.io/inject": "false"}},
        "external_services": {
            "istio": {"root_namespace": "istio-system"},
            "prometheus": {"url": "http://prometheus-operated.monitoring:9090"},
            "tracing": {"enabled": False},
            "grafana": {"enabled": False},
        },
    }


def test_kiali_links_grafana_and_annotates_its_pod_when_configured() -> None:
    config = config_from("istioNamespace: mesh-root\n" + ON + "  kiali:\n    enabled: true\n"
                         "    auth: {strategy: header}\n    prometheusUrl: http://prom.obs:9090\n"
                         "    grafanaUrl: http://grafana.obs:3000\n    annotations: {team: platform}\n")
    assert kiali_values(config) == {
        "auth": {"strategy": "header"},
        "deployment": {"pod_labels": {"sidecar.istio.io/inject": "false"},
                       "pod_annotations": {"team": "platform"}},
        "external_services": {
            "istio": {"root_namespace": "mesh-root"},
            "prometheus": {"url": "http://prom.obs:9090"},
            "tracing": {"enabled": False},
            "grafana": {"enabled": True, "internal_url": "http://grafana.obs:3000"},
        },
    }


def test_kiali_values_of_a_config_without_the_section_are_refused() -> None:
    with pytest.raises(ValueError, match="the config has no observability section"):
        kiali_values(config_from("{}"))

"""The ``observability:`` section: monitors, alert rules whose metrics exist
in the pinned Istio, dashboards byte-identical to upstream, Kiali after
istiod, and the same objects in the Argo CD export."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml

from conftest import FIXTURES, REPO, config_from
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import load_config
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.export.argocd import argocd_export
from istio_mesh.plan import cluster_plan
from config.test_telemetry import monitor_problems

FIXTURE = FIXTURES / "full" / "observability.yaml"
ADDONS = REPO / "constructs" / "istio_mesh" / "addons" / "1.30.3"
KIALI_VALUES = REPO / "third_party" / "kiali" / "2.26.0" / "values.yaml"

UPSTREAM_SHA256 = {
    "istio-extension-dashboard.json": "242e536f04330e46385436591f40ec3a946975a24fb4be91b46bb78b5916968d",
    "istio-mesh-dashboard.gen.json": "d1f8f1f0c61722ffebada80b4ea50a17d99e5dfd62efd658d0f79635437afc74",
    "istio-performance-dashboard.json": "8a34d37f6798fbd931db93b1ce9972fa81bb215a62705adbe94db8a5fc6c5688",
    "istio-service-dashboard.json": "d2c3881bd82f44965bd124ef5aade6e81b41e05355758a41c6d4d7465e98d3fc",
    "istio-workload-dashboard.json": "0a9b4c2cec355b85fe941db9215467b0ca0bfd85c44598c99fbfe91eb539a1de",
    "pilot-dashboard.gen.json": "5a03f45efa32b975ac1dba1b12877c586fb63bbb1da06516dfa56256caa1acc0",
    "ztunnel-dashboard.gen.json": "66b6b15099eb9b497cba8655835f4e8cc485fd0ef61ee8e4ed545ee26553cfe8",
}
"""sha256 of manifests/addons/dashboards/<file> in istio/istio at tag 1.30.3."""
SAMPLE_SHA256 = "ad99181ea68421e3695c5ec7f8ef4bb3a74badb1f5a40480cc56044666f07653"
"""sha256 of samples/addons/extras/prometheus-operator.yaml at tag 1.30.3."""

NON_ISTIO = {"up", "kube_daemonset_status_number_unavailable"}
"""The only non-Istio metrics the built-in rules use: Prometheus' own and
kube-state-metrics' DaemonSet readiness."""

AMBIENT_WITH_EVERYTHING = """
environment: staging
istio: {profile: ambient}
cni: {enabled: true}
ztunnel: {enabled: true}
gateways: [{name: istio-ingressgateway, kind: ingress}, {name: edge, kind: ingress}]
observability:
  prometheusOperator: installed
  alerts:
    rules:
      - {alert: Mine, expr: 'sum(rate(istio_requests_total{reporter="waypoint"}[5m])) > 1'}
"""


def plan_objects(config: MeshConfig) -> list[dict[str, Any]]:
    return [dict(i.manifest) for i in cluster_plan(config).policies.observability]


def by_kind(config: MeshConfig, kind: str) -> list[dict[str, Any]]:
    return [m for m in plan_objects(config) if m["kind"] == kind]


@pytest.fixture(scope="module")
def fixture_config() -> MeshConfig:
    return load_config(FIXTURE)


def emitted_metrics() -> dict[str, Any]:
    return dict(json.loads((ADDONS / "metrics.json").read_text())["metrics"])


def selected_metrics(expr: str) -> set[str]:
    """Metric names an expression selects, walked here with the parser alone."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            found.add(node.name)
        for attr in ("expr", "lhs", "rhs", "vector_selector", "param"):
            if getattr(node, attr, None) is not None:
                walk(getattr(node, attr))
        for arg in getattr(node, "args", None) or ():
            walk(arg)

    walk(promql_parser.parse(expr))
    return found


def all_rules(config: MeshConfig) -> list[dict[str, Any]]:
    [rule] = by_kind(config, "PrometheusRule")
    return [r for group in rule["spec"]["groups"] for r in group["rules"]]


# --- Alerts whose metrics exist ---------------------------------------------------


@pytest.mark.parametrize("text", [AMBIENT_WITH_EVERYTHING, FIXTURE.read_text()])
def test_every_metric_of_every_shipped_rule_is_emitted_by_the_pinned_istio(text: str) -> None:
    emitted = emitted_metrics()
    rules = all_rules(config_from(text))
    assert len(rules) >= 10
    for rule in rules:
        for name in selected_metrics(rule["expr"]):
            base = name.removesuffix("_bucket")
            assert name in emitted or base in emitted or name in NON_ISTIO, (rule["alert"], name)


def test_built_in_rules_cover_the_control_and_data_plane() -> None:
    names = {r["alert"] for r in all_rules(config_from(AMBIENT_WITH_EVERYTHING))}
    assert names >= {
        "IstiodDown", "IstioXdsPushErrors", "IstioXdsRejects", "IstioValidationWebhookErrors",
        "IstioSidecarInjectionFailures", "IstioRootCertificateExpiring", "ZtunnelNotReady",
        "IstioCniNotReady", "IstioGateway5xxRatioHigh", "Mine",
    }


def test_the_metric_list_is_derived_from_the_sources_it_names() -> None:
    data = json.loads((ADDONS / "metrics.json").read_text())
    assert data["istioVersion"] == "1.30.3"
    assert set(data["commits"]) == {"istio/istio", "istio/proxy", "istio/ztunnel"}
    metrics = data["metrics"]
    # A sample of names read in the 1.30.3 sources by hand.
    assert metrics["pilot_xds_pushes"]["source"] == "istio/istio:pilot/pkg/xds/monitoring.go"
    assert metrics["sidecar_injection_failure_total"]["kind"] == "counter"
    assert metrics["istio_requests_total"]["source"].startswith("istio/proxy:")
    assert "response_code" in metrics["istio_requests_total"]["labels"]
    assert metrics["istio_xds_connection_terminations_total"]["component"] == "ztunnel"
    assert "pilot_xds_push_errors" not in metrics  # named by old alert rules, gone


MADE_UP = """
observability:
  prometheusOperator: installed
  alerts:
    rules:
      - alert: Old
        expr: {expr}
"""


@pytest.mark.parametrize(("expr", "message"), [
    ("sum(rate(pilot_xds_push_errors[5m])) > 0",
     "observability.alerts.rules[0].expr: uses metric 'pilot_xds_push_errors', which Istio 1.30.3 "
     "does not emit and no declared source (prometheus, kube-state-metrics) provides; see the "
     "metric list in docs/observability.md"),
    ('sum(rate(istio_requests_total{response_status="500"}[5m])) > 0',
     "observability.alerts.rules[0].expr: matches label 'response_status' of 'istio_requests_total', "
     "which it does not carry; its labels: connection_security_policy, destination_app, "
     "destination_canonical_revision, destination_canonical_service, destination_cluster, "
     "destination_principal, destination_service, destination_service_name, "
     "destination_service_namespace, destination_version, destination_workload, "
     "destination_workload_namespace, grpc_response_status, reporter, request_protocol, "
     "response_code, response_flags, source_app, source_canonical_revision, "
     "source_canonical_service, source_cluster, source_principal, source_version, "
     "source_workload, source_workload_namespace (and the scrape's: app, container, endpoint, "
     "instance, job, namespace, pod, service)"),
    ("sum by (cluster_name) (rate(istio_requests_total[5m])) > 0",
     "observability.alerts.rules[0].expr: groups by label 'cluster_name', which none of its "
     "metrics (istio_requests_total) carries"),
    ("sum(rate(istio_requests_total[30s])) > 0",
     "observability.alerts.rules[0].expr: has a range of 30s, under two scrape intervals (60s): "
     "rate() and increase() return nothing over fewer than two samples"),
    ("sum(rate(istio_requests_total[5m]) > 0",
     "observability.alerts.rules[0].expr: is not valid PromQL: unclosed left parenthesis"),
    ("kube_node_status_condition > 0",
     "observability.alerts.rules[0].expr: uses metric 'kube_node_status_condition', which Istio "
     "1.30.3 does not emit and no declared source (prometheus, kube-state-metrics) provides; see "
     "the metric list in docs/observability.md"),
])
def test_a_rule_naming_what_istio_does_not_emit_is_refused(expr: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from(MADE_UP.format(expr=json.dumps(expr)))
    assert caught.value.problems == (message,)


def test_a_kube_state_metric_needs_its_source_declared() -> None:
    text = MADE_UP.format(expr=json.dumps("kube_daemonset_status_number_unavailable > 0"))
    assert config_from(text).observability is not None
    with pytest.raises(ConfigError) as caught:
        config_from(text + "    otherMetricSources: [prometheus]\n")
    assert "no declared source (prometheus) provides" in str(caught.value)


@pytest.mark.parametrize(("text", "message"), [
    ("alerts: {rules: [{alert: A, expr: up == 0, for: 2d}]}",
     "observability.alerts.rules[0].for: got '2d'; is longer than a day: the alert would fire "
     "long after the problem started; use at most '24h'"),
    ("alerts: {thresholds: {gateway5xxRatio: 5}}",
     "observability.alerts.thresholds.gateway5xxRatio: got 5; allowed: at most 0.5"),
    ("alerts: {thresholds: {certificateExpiryDays: 0}}",
     "observability.alerts.thresholds.certificateExpiryDays: got 0; allowed: 1 to 365"),
    ("monitors: {interval: fast}",
     "observability.monitors.interval: got 'fast'; must be a Prometheus duration such as '30s', "
     "'5m' or '1h30m'"),
])
def test_thresholds_and_durations_must_be_sane(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from(f"observability:\n  prometheusOperator: installed\n  {text}\n")
    assert caught.value.problems == (message,)


# --- Prerequisites ------------------------------------------------------------


def test_monitors_without_the_operator_acknowledged_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from("observability: {}")
    assert caught.value.problems == (
        "observability.prometheusOperator: is required with monitors and alerts on: set it to "
        "'installed' once prometheus-operator's CRDs (servicemonitors, podmonitors, "
        "prometheusrules.monitoring.coreos.com) are in the cluster, as the policies stack cannot "
        "be planned without them; or turn monitors and alerts off",)


def test_dashboards_and_kiali_alone_need_no_operator() -> None:
    config = config_from(
        "observability: {monitors: {enabled: false}, alerts: {enabled: false}, kiali: {enabled: true}}")
    assert {m["kind"] for m in plan_objects(config)} == {"ConfigMap"}


def test_the_telemetry_monitors_and_these_cannot_both_be_on() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from("mesh: {telemetry: {prometheusOperator: {enabled: true}}}\n"
                    "observability: {prometheusOperator: installed}")
    assert caught.value.problems[0].startswith(
        "observability.monitors.enabled: and mesh.telemetry.prometheusOperator.enabled both create")


def test_an_unknown_key_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from("observability: {prometheusOperator: installed, dashboard: {}}")
    assert caught.value.problems[0].startswith("observability.dashboard: unknown key; allowed keys:")


def test_a_config_error_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "bad.yaml"
    bad.write_text(MADE_UP.format(expr=json.dumps("rate(made_up_total[5m]) > 0")))
    result = subprocess.run([sys.executable, "-m", "istio_mesh", "check", str(bad)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert f"{bad}: observability.alerts.rules[0].expr: uses metric 'made_up_total'" in (
        result.stderr + result.stdout)


# --- Objects against their CRDs ------------------------------------------------


def test_every_monitor_and_rule_validates_against_its_crd(fixture_config: MeshConfig) -> None:
    kinds = set()
    for config in (fixture_config, config_from(AMBIENT_WITH_EVERYTHING)):
        for manifest in plan_objects(config):
            if manifest["apiVersion"] == "monitoring.coreos.com/v1":
                kinds.add(manifest["kind"])
                assert monitor_problems(manifest) == [], manifest["metadata"]["name"]
    assert kinds == {"PodMonitor", "ServiceMonitor", "PrometheusRule"}


def test_the_crd_check_refuses_a_misspelt_rule_field(fixture_config: MeshConfig) -> None:
    [rule] = by_kind(fixture_config, "PrometheusRule")
    rule["spec"]["groups"][0]["rules"][0]["fore"] = "5m"
    assert monitor_problems(rule) != []


def test_monitors_follow_istios_sample_with_the_configs_settings(fixture_config: MeshConfig) -> None:
    sample_text = (ADDONS / "prometheus-operator.yaml").read_bytes()
    assert hashlib.sha256(sample_text).hexdigest() == SAMPLE_SHA256
    sample = {d["kind"]: d for d in yaml.safe_load_all(sample_text) if d}
    pod, service = by_kind(fixture_config, "PodMonitor")[0], by_kind(fixture_config, "ServiceMonitor")[0]
    assert pod["metadata"] == {"name": "envoy-stats-monitor", "namespace": "monitoring", "labels": {
        "app.kubernetes.io/managed-by": "istio-mesh", "release": "kube-prometheus-stack"}}
    endpoint = pod["spec"]["podMetricsEndpoints"][0]
    assert endpoint["relabelings"] == sample["PodMonitor"]["spec"]["podMetricsEndpoints"][0]["relabelings"]
    assert endpoint["interval"] == "30s"
    assert pod["spec"]["namespaceSelector"] == {"any": True}
    assert service["spec"]["selector"] == sample["ServiceMonitor"]["spec"]["selector"]
    assert service["spec"]["namespaceSelector"] == {"matchNames": ["istio-system"]}
    assert service["spec"]["endpoints"] == [{"port": "http-monitoring", "interval": "30s"}]


def test_ztunnel_and_the_cni_agent_get_their_own_pod_monitors() -> None:
    names = {m["metadata"]["name"]: m for m in by_kind(config_from(AMBIENT_WITH_EVERYTHING), "PodMonitor")}
    assert sorted(names) == ["envoy-stats-monitor", "istio-cni-monitor", "ztunnel-monitor"]
    # The ztunnel chart's pod label and stats port (third_party/istio/1.30.3/ztunnel).
    assert names["ztunnel-monitor"]["spec"]["selector"] == {"matchLabels": {"app": "ztunnel"}}
    assert names["ztunnel-monitor"]["spec"]["podMetricsEndpoints"][0]["port"] == "ztunnel-stats"
    assert names["istio-cni-monitor"]["spec"]["selector"] == {"matchLabels": {"k8s-app": "istio-cni-node"}}


# --- Dashboards -----------------------------------------------------------------


def test_dashboards_are_byte_identical_to_the_pinned_upstream_files(fixture_config: MeshConfig) -> None:
    maps = by_kind(fixture_config, "ConfigMap")
    assert len(maps) == len(UPSTREAM_SHA256)
    seen = {}
    for config_map in maps:
        [(key, text)] = config_map["data"].items()
        seen[key] = text
    for file, digest in UPSTREAM_SHA256.items():
        vendored = (ADDONS / "dashboards" / file).read_bytes()
        assert hashlib.sha256(vendored).hexdigest() == digest, file
        assert seen[file.replace(".gen.json", ".json")].encode() == vendored, file


def test_dashboards_carry_the_sidecar_label_and_folder(fixture_config: MeshConfig) -> None:
    for config_map in by_kind(fixture_config, "ConfigMap"):
        metadata = config_map["metadata"]
        assert metadata["namespace"] == "monitoring"
        assert metadata["labels"]["grafana_dashboard"] == "1"
        assert metadata["labels"]["istio.io/dashboards-version"] == "1.30.3"
        assert metadata["annotations"] == {"grafana_folder": "Istio 1.30"}
    custom = config_from("observability: {monitors: {enabled: false}, alerts: {enabled: false}, "
                         "dashboards: {labels: {team: mesh}, folder: null}}")
    [first, *_] = by_kind(custom, "ConfigMap")
    assert first["metadata"]["labels"]["team"] == "mesh"
    assert "grafana_dashboard" not in first["metadata"]["labels"]
    assert "annotations" not in first["metadata"]


# --- Kiali --------------------------------------------------------------------------


def test_kiali_is_a_release_of_its_own_chart_after_istiod(fixture_config: MeshConfig) -> None:
    plan = cluster_plan(fixture_config).mesh
    kiali = plan.kiali
    assert kiali is not None
    assert (kiali.chart, kiali.repository, kiali.version) == (
        "kiali-server", "https://kiali.org/helm-charts", "2.26.0")
    assert kiali.after == (plan.istiods["default"].address,)
    assert kiali.namespace == "istio-system"
    assert kiali.values["auth"] == {"strategy": "token"}
    assert list(plan.items).index(kiali) > list(plan.items).index(plan.istiods["default"])


def test_kiali_values_are_keys_of_the_chart(fixture_config: MeshConfig) -> None:
    chart = yaml.safe_load(KIALI_VALUES.read_text())
    values = dict(cluster_plan(fixture_config).mesh.kiali.values)  # type: ignore[union-attr]
    assert set(values) <= set(chart)
    assert set(values["deployment"]) <= set(chart["deployment"])
    assert set(values["external_services"]) >= {"istio", "prometheus"}
    assert set(chart["external_services"]) >= {"istio", "prometheus"}
    assert chart["auth"]["strategy"] == ""  # the chart's default leaves it to Kiali: say it


def test_a_kiali_older_than_documented_for_the_istio_minor_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from("observability: {monitors: {enabled: false}, alerts: {enabled: false}, "
                    "kiali: {enabled: true, version: 2.21.0}}")
    assert caught.value.problems == (
        "observability.kiali.version: got '2.21.0'; Istio 1.30 needs kiali-server 2.26.0 or later "
        "(Kiali's compatibility table; since 1.29 istiod authorizes the debug endpoints older "
        "Kiali calls)",)


def test_kiali_follows_the_istio_minor() -> None:
    config = config_from('istio: {version: "1.29.2"}\nobservability: {monitors: {enabled: false}, '
                         "alerts: {enabled: false}, kiali: {enabled: true}}")
    assert cluster_plan(config).mesh.kiali.version == "2.21.0"  # type: ignore[union-attr]


# --- GitOps ------------------------------------------------------------------------


def test_the_argocd_export_carries_the_same_objects(fixture_config: MeshConfig) -> None:
    plan = cluster_plan(fixture_config)
    export = argocd_export("obs", fixture_config, plan)
    [policies] = [f for f in export.folders if f.name == "policies"]
    for item in plan.policies.observability:
        exported = dict(policies.manifests[f"{item.name}.yaml"])
        assert exported["kind"] == item.manifest["kind"]
        assert exported.get("spec", exported.get("data")) == item.manifest.get("spec", item.manifest.get("data"))
    kiali = export.releases["obs-kiali"]["spec"]["source"]
    assert (kiali["repoURL"], kiali["chart"], kiali["targetRevision"]) == (
        "https://kiali.org/helm-charts", "kiali-server", "2.26.0")
    assert export.waves["obs-kiali"] > export.waves["obs-istiod"]


# --- Synthesized --------------------------------------------------------------------


def test_the_synthesized_stacks_carry_monitors_rules_dashboards_and_kiali(synth: Any) -> None:
    policies = synth.stack("observability-policies")["resource"]["kubernetes_manifest"]
    kinds = sorted(m["manifest"]["kind"] for m in policies.values()
                   if m["manifest"]["metadata"].get("namespace") == "monitoring")
    assert kinds == ["ConfigMap"] * 7 + ["PodMonitor", "PodMonitor", "PrometheusRule", "ServiceMonitor"]
    [pilot] = [m for m in policies.values() if m["manifest"]["metadata"]["name"] == "istio-dashboard-pilot"]
    assert pilot["manifest"]["data"]["pilot-dashboard.json"].encode() == (
        ADDONS / "dashboards" / "pilot-dashboard.gen.json").read_bytes()
    kiali = synth.stack("observability-mesh")["resource"]["helm_release"]["kiali"]
    assert kiali["depends_on"] == ["helm_release.istiod"]
    assert (kiali["chart"], kiali["version"]) == ("kiali-server", "2.26.0")

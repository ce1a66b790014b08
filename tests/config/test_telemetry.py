"""Telemetry as typed config: extension providers in meshConfig, Telemetry
resources in the policies stack, prometheus-operator monitors, the legacy
tracing path, and the refusals with their exact text."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import FIXTURES, REPO, Synth, config_from, helm_releases, release_values
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.lint.engine import lint_config
from istio_mesh.plan.policies import policies_plan
from istio_mesh.values.istiod import mesh_config
from istio_reference import crd_problems, unknown_fields
from mesh_config_proto import unknown_keys

PROMETHEUS_OPERATOR = REPO / "third_party" / "prometheus-operator"
COLLECTOR = "opentelemetry-collector.observability.svc.cluster.local"


def refusal(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        config_from(text)
    return str(caught.value)


def otel(name: str = "otel") -> str:
    return f"{{name: {name}, opentelemetry: {{service: {COLLECTOR}, port: 4317}}}}"


# --- meshConfig -------------------------------------------------------------------


def test_extension_providers_are_written_as_istio_spells_them() -> None:
    config = config_from(
        "mesh:\n  extensionProviders:\n"
        f"    - {{name: otel, opentelemetry: {{service: {COLLECTOR}, port: 4318, httpPath: /v1/traces,"
        " resourceDetectors: [environment]}}\n"
        "    - {name: zipkin, zipkin: {service: zipkin.observability.svc.cluster.local, port: 9411}}\n"
        f"    - {{name: logs, envoyOtelAls: {{service: {COLLECTOR}, port: 4317, logName: mesh,"
        " format: {text: '%RESPONSE_CODE%'}}}\n"
        "    - {name: file, envoyFileAccessLog: {format: {labels: {code: '%RESPONSE_CODE%'}}}}\n"
        "    - {name: prom, prometheus: {}}\n"
    )
    assert mesh_config(config)["extensionProviders"] == [
        {"name": "otel", "opentelemetry": {"service": COLLECTOR, "port": 4318,
                                           "http": {"path": "/v1/traces"},
                                           "resourceDetectors": {"environment": {}}}},
        {"name": "zipkin", "zipkin": {"service": "zipkin.observability.svc.cluster.local", "port": 9411}},
        {"name": "logs", "envoyOtelAls": {"service": COLLECTOR, "port": 4317, "logName": "mesh",
                                          "logFormat": {"text": "%RESPONSE_CODE%"}}},
        {"name": "file", "envoyFileAccessLog": {"path": "/dev/stdout",
                                                "logFormat": {"labels": {"code": "%RESPONSE_CODE%"}}}},
        {"name": "prom", "prometheus": {}},
    ]


def test_a_config_without_telemetry_writes_none_of_it() -> None:
    out = mesh_config(config_from("{}"))
    assert not {"extensionProviders", "trustDomain", "trustDomainAliases"} & set(out)
    assert out["enableTracing"] is False and "tracing" not in out["defaultConfig"]
    assert policies_plan(config_from("{}")).telemetry == ()
    assert policies_plan(config_from("{}")).monitors == ()


def test_legacy_tracing_stays_where_users_set_it() -> None:
    out = mesh_config(config_from("mesh: {tracing: {enabled: true, sampling: 5, zipkinAddress: 'z:9411'}}"))
    assert out["enableTracing"] is True
    assert out["defaultConfig"]["tracing"] == {"sampling": 5.0, "zipkin": {"address": "z:9411"}}


def test_trust_domain_and_aliases_are_written() -> None:
    out = mesh_config(config_from(
        "mesh: {trustDomain: prod.example.com, trustDomainAliases: [cluster.local, old.example.com]}"))
    assert out["trustDomain"] == "prod.example.com"
    assert out["trustDomainAliases"] == ["cluster.local", "old.example.com"]


def test_every_mesh_config_key_is_a_field_of_istios_mesh_config(all_configs: dict[str, MeshConfig]) -> None:
    # The chart copies meshConfig unchecked; istiod refuses a mesh config it
    # cannot parse. Checked against istio/api 1.30.3's config.proto.
    assert {name: found for name, config in all_configs.items()
            if (found := list(unknown_keys(mesh_config(config))))} == {}
    assert "telemetry" in all_configs  # the fixture with every provider kind


def test_the_proto_check_finds_a_misspelt_provider_field() -> None:
    values = {"extensionProviders": [{"name": "x", "opentelemetry": {"service": "s", "prot": 1}}],
              "trustDomians": "x", "outboundTrafficPolicy": {"mode": "REGISTRY_ONLY"}}
    assert list(unknown_keys(values)) == ["extensionProviders[0].opentelemetry.prot", "trustDomians"]


def test_prod_mesh_stack_carries_the_extension_providers(synth: Synth) -> None:
    istiod = release_values(helm_releases(synth.stack("prod-mesh"))["istiod"])
    assert istiod["meshConfig"]["extensionProviders"] == [
        {"name": "otel-tracing", "opentelemetry": {"service": COLLECTOR, "port": 4317}}]


def test_the_fixture_mesh_stack_carries_its_trust_domain(synth: Synth) -> None:
    stack = synth.stack("telemetry-mesh")
    mesh = release_values(helm_releases(stack)["istiod"])["meshConfig"]
    assert mesh["trustDomain"] == "staging.example.com"
    assert mesh["trustDomainAliases"] == ["cluster.local", "old.example.com"]
    # With no meshId, Istio's mesh ID is the trust domain, and so is the output.
    assert stack["output"]["mesh_id"]["value"] == "staging.example.com"


# --- Telemetry resources -----------------------------------------------------------


def manifests(synth: Synth, stack: str, kind: str) -> dict[str, dict[str, Any]]:
    found = synth.stack(stack).get("resource", {}).get("kubernetes_manifest", {})
    return {rid: r["manifest"] for rid, r in found.items() if r["manifest"]["kind"] == kind}


def test_prod_policies_stack_has_the_mesh_wide_telemetry(synth: Synth, reference: Path) -> None:
    found = manifests(synth, "prod-policies", "Telemetry")
    assert found == {"telemetry_istio-system_mesh-default": {
        "apiVersion": "telemetry.istio.io/v1", "kind": "Telemetry",
        "metadata": {"name": "mesh-default", "namespace": "istio-system"},
        "spec": {"tracing": [{"providers": [{"name": "otel-tracing"}], "randomSamplingPercentage": 1}]},
    }}
    assert crd_problems(reference, found["telemetry_istio-system_mesh-default"]) == []
    assert manifests(synth, "prod-mesh", "Telemetry") == {}


def test_overrides_live_in_their_namespace_after_it(all_configs: dict[str, MeshConfig]) -> None:
    plan = policies_plan(all_configs["telemetry"])
    assert [(i.address, i.after) for i in plan.telemetry] == [
        ("kubernetes_manifest.telemetry_istio-system_mesh-default", ()),
        ("kubernetes_manifest.telemetry_shop_namespace-default", ("kubernetes_namespace_v1.shop",)),
        ("kubernetes_manifest.telemetry_batch_namespace-default", ()),
    ]
    specs = [i.manifest["spec"] for i in plan.telemetry]
    assert specs == [
        {"tracing": [{"providers": [{"name": "otel-tracing"}], "randomSamplingPercentage": 1.0}],
         "accessLogging": [{"providers": [{"name": "envoy"}, {"name": "otel-logs"}],
                            "filter": {"expression": "response.code >= 400"}}],
         "metrics": [{"providers": [{"name": "metrics"}]}]},
        {"tracing": [{"randomSamplingPercentage": 10.0}],
         "accessLogging": [{"providers": [{"name": "json-file"}]}]},
        {"tracing": [{"providers": [{"name": "zipkin"}], "disableSpanReporting": True}],
         "accessLogging": [{"disabled": True}],
         "metrics": [{"providers": [{"name": "prometheus"}]}]},
    ]


def test_every_telemetry_validates_against_istios_crd(synth: Synth, reference: Path) -> None:
    found = {f"{stack}/{rid}": m for stack in synth.stack_names()
             for rid, m in manifests(synth, stack, "Telemetry").items()}
    assert len(found) >= 4  # prod's and the fixture's three
    assert {where: p for where, m in found.items() if (p := crd_problems(reference, m))} == {}


def test_an_empty_section_is_left_out_not_written_empty() -> None:
    config = config_from(
        "namespaces: [{name: shop}]\n"
        "mesh: {telemetry: {namespaces: {shop: {tracing: {}, accessLogging: {disabled: false}}}}}")
    [item] = policies_plan(config).telemetry
    assert item.manifest["spec"] == {"accessLogging": [{"disabled": False}]}


# --- Prometheus operator ------------------------------------------------------------


@functools.cache
def monitoring_crd(kind: str) -> dict[str, Any]:
    path = PROMETHEUS_OPERATOR / f"monitoring.coreos.com_{kind.lower()}s.yaml"
    return dict(yaml.safe_load(path.read_text()))


def monitor_problems(manifest: dict[str, Any]) -> list[str]:
    crd = monitoring_crd(manifest["kind"])
    version = manifest["apiVersion"].rpartition("/")[2]
    [served] = [v for v in crd["spec"]["versions"] if v["name"] == version and v["served"]]
    schema = dict(served["schema"]["openAPIV3Schema"])
    schema["properties"] = {**schema["properties"], "metadata": {"type": "object"}}
    validator = jsonschema.Draft7Validator(schema)
    return [e.message for e in validator.iter_errors(manifest)] + unknown_fields(schema, manifest)


def test_monitors_validate_against_prometheus_operators_crds(synth: Synth) -> None:
    pod = manifests(synth, "telemetry-policies", "PodMonitor")
    service = manifests(synth, "telemetry-policies", "ServiceMonitor")
    assert list(pod) == ["pod_monitor_istio-system_envoy-stats-monitor"]
    assert list(service) == ["service_monitor_istio-system_istio-component-monitor"]
    for manifest in (*pod.values(), *service.values()):
        assert monitor_problems(manifest) == []
        assert manifest["metadata"]["labels"] == {"release": "prometheus"}
    assert manifests(synth, "telemetry-mesh", "PodMonitor") == {}


def test_the_monitor_check_refuses_a_misspelt_field() -> None:
    manifest = {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
                "metadata": {"name": "x", "namespace": "y"},
                "spec": {"selector": {}, "endpoints": [{"prot": "http-monitoring"}]}}
    assert monitor_problems(manifest) == [
        "spec.endpoints.0: unknown field 'prot' (the API server would prune it)"]


def test_monitors_scrape_what_istio_documents(all_configs: dict[str, MeshConfig]) -> None:
    pod, service = (i.manifest for i in policies_plan(all_configs["telemetry"]).monitors)
    [endpoint] = pod["spec"]["podMetricsEndpoints"]
    assert endpoint["path"] == "/stats/prometheus" and endpoint["interval"] == "30s"
    assert endpoint["relabelings"][0] == {
        "action": "keep", "sourceLabels": ["__meta_kubernetes_pod_container_name"], "regex": "istio-proxy"}
    assert pod["spec"]["namespaceSelector"] == {"any": True}
    assert service["spec"]["selector"] == {
        "matchExpressions": [{"key": "istio", "operator": "In", "values": ["pilot"]}]}
    assert service["spec"]["endpoints"] == [{"port": "http-monitoring", "interval": "30s"}]


# --- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    (f"mesh: {{extensionProviders: [{otel()}, {otel()}]}}",
     "test.yaml: mesh.extensionProviders[1].name: 'otel' is used more than once; names must be unique"),
    ("mesh: {extensionProviders: [{name: x}]}",
     "test.yaml: mesh.extensionProviders[0]: needs exactly one of opentelemetry, zipkin, envoyOtelAls, "
     "envoyFileAccessLog, prometheus (found: none)"),
    (f"mesh: {{extensionProviders: [{{name: x, prometheus: {{}}, zipkin: {{service: z, port: 9411}}}}]}}",
     "test.yaml: mesh.extensionProviders[0]: needs exactly one of opentelemetry, zipkin, envoyOtelAls, "
     "envoyFileAccessLog, prometheus (found: zipkin, prometheus)"),
    (f"mesh: {{extensionProviders: [{otel()}], telemetry: {{tracing: {{providers: [otell]}}}}}}",
     "test.yaml: mesh.telemetry.tracing.providers[0]: 'otell' is not in mesh.extensionProviders "
     "(defined: otel)"),
    ("mesh: {telemetry: {namespaces: {shop: {accessLogging: {providers: [logs]}}}}}",
     "test.yaml: mesh.telemetry.namespaces.shop.accessLogging.providers[0]: 'logs' is not in "
     "mesh.extensionProviders (defined: none)"),
    (f"mesh: {{extensionProviders: [{otel()}], telemetry: {{metrics: {{providers: [otel]}}}}}}",
     "test.yaml: mesh.telemetry.metrics.providers[0]: 'otel' is a provider of kind opentelemetry; "
     "metrics takes prometheus providers"),
    ("mesh: {extensionProviders: [{name: p, prometheus: {}}], telemetry: {tracing: {providers: [p]}}}",
     "test.yaml: mesh.telemetry.tracing.providers[0]: 'p' is a provider of kind prometheus; "
     "tracing takes opentelemetry or zipkin providers"),
    ("mesh: {telemetry: {tracing: {providers: [prometheus]}}}",
     "test.yaml: mesh.telemetry.tracing.providers[0]: 'prometheus' is not in mesh.extensionProviders "
     "(defined: none)"),
    ("mesh: {telemetry: {tracing: {randomSamplingPercentage: 1}}}",
     "test.yaml: mesh.telemetry.tracing.providers: is required mesh-wide: name the tracing provider "
     "from mesh.extensionProviders"),
    ("mesh: {telemetry: {namespaces: {shop: {}}}}",
     "test.yaml: mesh.telemetry.namespaces.shop: overrides nothing; set tracing, accessLogging or "
     "metrics, or remove it"),
    ("mesh: {extensionProviders: [{name: f, envoyFileAccessLog: {format: {text: x, labels: {a: b}}}}]}",
     "test.yaml: mesh.extensionProviders[0].envoyFileAccessLog.format.labels: a log format is text or "
     "labels, not both"),
    ("mesh: {extensionProviders: [{name: o, opentelemetry: {service: 'http://collector:4317', port: 4317}}]}",
     "test.yaml: mesh.extensionProviders[0].opentelemetry.service: got 'http://collector:4317'; must be "
     "'[<namespace>/]<host name>' of a Kubernetes Service or ServiceEntry, e.g. "
     "'opentelemetry-collector.observability.svc.cluster.local'"),
    ("mesh: {telemetry: {prometheusOperator: {interval: 15x}}}",
     "test.yaml: mesh.telemetry.prometheusOperator.interval: got '15x'; must be a Prometheus "
     "duration such as '15s', '1m' or '1m30s' (units y, w, d, h, m, s, ms from the largest "
     "down, each once)"),
    (f"mesh: {{extensionProviders: [{otel('a')}, {otel('b')}], telemetry: {{tracing: {{providers: [a, b]}}}}}}",
     "test.yaml: mesh.telemetry.tracing.providers: got ['a', 'b']; Istio takes one tracing provider "
     "per Telemetry; name one"),
    ("mesh: {telemetry: {prometheusOperator: {labels: {'bad key!': x}}}}",
     "test.yaml: mesh.telemetry.prometheusOperator.labels['bad key!']: label key 'bad key!': the name "
     "must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
])
def test_telemetry_refusals_have_exact_text(text: str, message: str) -> None:
    assert refusal(text) == message


def test_built_in_providers_may_be_named_without_defining_them() -> None:
    config = config_from("mesh: {telemetry: {accessLogging: {providers: [envoy]}, metrics: {providers: [prometheus]}}}")
    assert [i.manifest["spec"] for i in policies_plan(config).telemetry] == [
        {"accessLogging": [{"providers": [{"name": "envoy"}]}], "metrics": [{"providers": [{"name": "prometheus"}]}]}]


# --- lint -----------------------------------------------------------------------------


def test_legacy_tracing_in_extra_values_is_found_too() -> None:
    config = config_from(
        "environment: development\n"
        "istiod: {extraValues: {meshConfig: {enableTracing: true, defaultConfig: {tracing: {sampling: 1}}}}}")
    assert [(f.rule, f.path, f.message) for f in lint_config(config)] == [
        ("legacy-tracing", "istiod.extraValues.meshConfig.enableTracing",
         "sets legacy tracing, which Istio keeps for compatibility only"),
        ("legacy-tracing", "istiod.extraValues.meshConfig.defaultConfig.tracing",
         "sets legacy tracing, which Istio keeps for compatibility only"),
    ]


def test_lint_fixes_point_at_anchors_the_telemetry_doc_has() -> None:
    doc = (REPO / "docs" / "telemetry.md").read_text()
    anchors = {line.lstrip("#").strip().lower().replace(" ", "-").replace(",", "")
               for line in doc.splitlines() if line.startswith("## ")}
    assert {"legacy-tracing", "access-logs"} <= anchors


def test_naming_the_envoy_provider_keeps_the_access_log_file_in_use() -> None:
    config = config_from(
        "environment: development\nmesh:\n  accessLog: {file: /dev/stdout}\n"
        "  telemetry: {accessLogging: {providers: [envoy], filter: 'response.code >= 500'}}\n")
    assert lint_config(config) == []


def test_legacy_full_sampling_is_still_found_in_production() -> None:
    text = (FIXTURES / "lint" / "prod-full-trace-sampling.yaml").read_text()
    text = text.replace("  telemetry:\n    tracing: {providers: [otel], randomSamplingPercentage: 100}\n",
                        "  tracing: {enabled: true, sampling: 100}\n")
    found = [(f.rule, f.path) for f in lint_config(config_from(text))]
    assert found == [("prod-full-trace-sampling", "mesh.tracing.sampling"),
                     ("legacy-tracing", "mesh.tracing.enabled")]


def test_an_extra_telemetry_that_would_own_a_generated_one_is_refused() -> None:
    text = (f"mesh:\n  extensionProviders: [{otel()}]\n  telemetry: {{tracing: {{providers: [otel]}}}}\n"
            "extraResources:\n  - apiVersion: telemetry.istio.io/v1\n    kind: Telemetry\n"
            "    metadata: {name: mesh-default, namespace: istio-system}\n"
            "    spec: {tracing: [{randomSamplingPercentage: 5}]}\n")
    assert refusal(text) == (
        "test.yaml: extraResources[0].metadata.name: Telemetry istio-system/mesh-default is also "
        "generated from this config's typed settings; rename it or change the setting instead")

"""The config linter: each seeded mistake found with its exact text, the shipped
configs clean, the CLI's exit codes and output, and its Istio data in step
with the vendored Istio files (third_party/istio)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (
    CONFIG_DIR, FIXTURES, REPO, SHIPPED, SHIPPED_FILES, Synth, config_from, copy_shipped_configs, run_in_process,
)
from istio_mesh.__main__ import main as istio_mesh_main
from istio_mesh.config.loader import load_config
from istio_mesh.config.rule_catalogue import RULES
from istio_mesh.lint.chart_values import unknown_keys
from istio_mesh.lint.crd import resource_problems
from istio_mesh.lint.engine import Report, format_report, lint_config, lint_paths
from istio_mesh.lint.refdata import build, data_path, render
from istio_reference import crd_problems, unknown_value_keys

LINT_FIXTURES = FIXTURES / "lint"

# One bad config per rule, named after it; each seeds exactly one mistake.
EXPECTED = {
    "environment-unset": (
        "warning [environment-unset] environment: is not set, so the production rules were skipped",
        "fix: set environment: development, staging or production"),
    "prod-mtls-not-strict": (
        "error [prod-mtls-not-strict] mtls.mode: is PERMISSIVE in a production mesh: workloads "
        "accept plain-text traffic",
        "fix: set mtls.mode: STRICT; list namespaces that still need plain text in "
        "mtls.namespaceOverrides"),
    "prod-mtls-override": (
        "warning [prod-mtls-override] mtls.namespaceOverrides.legacy: is DISABLE: the namespace "
        "accepts plain-text traffic",
        "fix: move its clients into the mesh, then remove the override"),
    "prod-single-istiod": (
        "error [prod-single-istiod] istiod.replicas: is 1: while that pod restarts, no proxy gets "
        "configuration or certificates and no pod gets a sidecar",
        "fix: set istiod.replicas: 2 or more (3 spread over zones is usual)"),
    "prod-demo-profile": (
        "error [prod-demo-profile] istiod.extraValues.profile: is 'demo', Istio's profile for "
        "trying features out: tiny resource requests, 100% trace sampling, access logs on",
        "fix: remove the profile key; size components with their resources settings"),
    "prod-egress-allow-any": (
        "warning [prod-egress-allow-any] mesh.outboundTrafficPolicy: is ALLOW_ANY: workloads can "
        "call any host outside the mesh",
        "fix: set mesh.outboundTrafficPolicy: REGISTRY_ONLY and list the hosts workloads need in "
        "egress.services"),
    "prod-access-logs-everywhere": (
        "warning [prod-access-logs-everywhere] mesh.accessLog.file: is '/dev/stdout': every proxy "
        "logs every request, which costs CPU and log storage at production volume",
        "fix: turn it off and log where needed with "
        "mesh.telemetry.namespaces.<namespace>.accessLogging"),
    "prod-no-resource-requests": (
        "warning [prod-no-resource-requests] istiod.resources: sets no requests: the chart's "
        "defaults (500m CPU, 2Gi) apply, which were not sized for this cluster",
        "fix: set requests.cpu and requests.memory from measured usage"),
    "prod-no-default-deny": (
        "warning [prod-no-default-deny] authorization.defaultDeny: is off: any workload may call "
        "any other unless a policy says otherwise",
        "fix: set authorization.defaultDeny: true and list the calls you expect in "
        "authorization.allow"),
    "prod-self-signed-ca": (
        "warning [prod-self-signed-ca] ca.mode: is istiod: workload certificates chain to a root "
        "istiod generated itself, outside your organisation's PKI",
        "fix: use ca.mode: plugin (an intermediate CA of your PKI, via Terraform variables) or "
        "external (e.g. cert-manager istio-csr)"),
    "prod-floating-image-tag": (
        "error [prod-floating-image-tag] istiod.extraValues.global.tag: is 'latest': every pod "
        "start may pull a different image, and a node restart can upgrade Istio unplanned",
        "fix: remove it (the chart pins the release's tag) or pin a version or a digest"),
    "prod-extra-values-allow-any": (
        "error [prod-extra-values-allow-any] istiod.extraValues.meshConfig.outboundTrafficPolicy"
        ".mode: is 'ALLOW_ANY', which overrides mesh.outboundTrafficPolicy: REGISTRY_ONLY: "
        "workloads can call any host outside the mesh",
        "fix: remove it; list the hosts workloads need in egress.services"),
    "prod-extra-values-replace-ca": (
        "error [prod-extra-values-replace-ca] istiod.extraValues.global.caAddress: changes where "
        "workload certificates come from, which undoes ca.mode: plugin (the organisation's "
        "intermediate CA)",
        "fix: remove it; choose the CA with ca.mode"),
    "prod-egress-public-wildcard": (
        "error [prod-egress-public-wildcard] egress.services[0].hosts[0]: is '*.com': anyone can "
        "register a name under 'com', so workloads can reach hosts nobody vetted",
        "fix: list the exact hosts, or a wildcard under a domain you control"),
    "prod-allow-from-every-namespace": (
        "warning [prod-allow-from-every-namespace] authorization.allow[0].from.namespaces: lets "
        "every namespace call every workload of 'shop' on any port, which cancels default deny "
        "there",
        "fix: list the calling namespaces or service accounts, or narrow the rule with a selector "
        "and to.ports"),
    "prod-disruption-budget-blocks-drain": (
        "error [prod-disruption-budget-blocks-drain] istiod.extraValues.pdb.minAvailable: is 2 "
        "with 2 replica(s): no pod may ever be evicted, so every node drain (and cluster upgrade) "
        "hangs",
        "fix: use maxUnavailable: 1, or remove it to keep the stack's budget"),
    "prod-memory-limit-too-small": (
        "error [prod-memory-limit-too-small] istiod.resources.limits.memory: is '256Mi', below "
        "the 512Mi istiod needs: it is OOM-killed under a production configuration",
        "fix: raise it to at least 512Mi (measure usage and add headroom)"),
    "prod-chart-repository-http": (
        "error [prod-chart-repository-http] istio.chartRepository: is "
        "'http://charts.example.com/istio': charts travel unencrypted, so anyone on the path can "
        "change what is installed",
        "fix: use the https:// or oci:// address of the repository"),
    "prod-full-trace-sampling": (
        "warning [prod-full-trace-sampling] mesh.telemetry.tracing.randomSamplingPercentage: is "
        "100: every request is traced, which costs proxy CPU and tracing storage at production "
        "volume",
        "fix: sample a small share (1 is usual) and trace more with a Telemetry resource where "
        "needed"),
    "prod-mtls-override-unknown-namespace": (
        "warning [prod-mtls-override-unknown-namespace] mtls.namespaceOverrides.legcy: names "
        "'legcy', which namespaces does not list: a typo leaves the namespace meant on the "
        "mesh-wide mode, and a stale entry outlives the namespace",
        "fix: add 'legcy' to namespaces or remove the override"),
    "ingress-closed-by-default-deny": (
        "warning [ingress-closed-by-default-deny] gateways[0]: 'public' refuses every request: "
        "default deny covers gateways and no authorization.ingress entry lets clients in",
        "fix: add {gateway: public} to authorization.ingress"),
    "sidecar-scope-hides-allowed-call": (
        "warning [sidecar-scope-hides-allowed-call] authorization.allow[0].from: lets 'shop' call "
        "'payments', but the Sidecar of 'shop' does not import 'payments', so its proxies cannot "
        "reach those services",
        "fix: add 'payments/*' to sidecarScope.namespaceHosts.shop"),
    "route-weights": (
        "error [route-weights] extraResources[0].spec.http[0].route: weights add up to 90, not 100",
        "fix: make the destinations' weights add up to 100"),
    "unknown-kind": (
        "error [unknown-kind] extraResources[0].kind: networking.istio.io has no kind "
        "'VirtualServer' in Istio 1.30.3 (did you mean 'VirtualService'?)",
        "fix: use a kind of the pinned release: AuthorizationPolicy, DestinationRule, EnvoyFilter, "
        "Gateway, PeerAuthentication, ProxyConfig, RequestAuthentication, ServiceEntry, Sidecar, "
        "Telemetry, TrafficExtension, VirtualService, WasmPlugin, WorkloadEntry, WorkloadGroup"),
    "unknown-version": (
        "error [unknown-version] extraResources[0].apiVersion: VirtualService does not serve "
        "'v2'; served: v1, v1alpha3, v1beta1",
        "fix: use apiVersion networking.istio.io/v1"),
    "old-api-version": (
        "warning [old-api-version] extraResources[0].apiVersion: networking.istio.io/v1beta1 is "
        "an older version of VirtualService; v1 is served",
        "fix: use apiVersion networking.istio.io/v1"),
    "crd-schema": (
        "error [crd-schema] extraResources[0].spec.http[0]: Additional properties are not allowed "
        "('retry' was unexpected)",
        "fix: correct the field as Istio's reference for the kind describes"),
    "empty-value": (
        "warning [empty-value] extraResources[0].spec: is empty; kubernetes_manifest reports an "
        "inconsistent result after apply for empty maps and lists",
        "fix: give it content (an allow-nothing AuthorizationPolicy is spec: {action: ALLOW}) or "
        "leave it out where that means the same"),
    "unknown-chart-value": (
        "warning [unknown-chart-value] istiod.extraValues.autoscaleMinimum: is not a value of the "
        "istiod chart in Istio 1.30.3, so Helm ignores it (did you mean 'autoscaleMin'?)",
        "fix: correct or remove it; the chart's values.yaml lists what it reads"),
    "istio-version-unchecked": (
        "warning [istio-version-unchecked] istio.version: is 1.31.0; extraResources and "
        "extraValues were checked against Istio 1.30.3",
        "fix: review them against Istio 1.31.0's CRDs and chart values"),
    "istio-minor-unsupported": (
        "error [istio-minor-unsupported] revisions[0].version: is 1.29.9: Istio 1.29 went out of "
        "support on 2026-10-15, so it gets no more security fixes",
        "fix: upgrade to a supported minor (https://istio.io/latest/docs/releases/supported-releases/; "
        "docs/upgrade-runbook.md shows the canary upgrade)"),
    "istio-patch-behind": (
        "warning [istio-patch-behind] istio.version: is 1.30.2, but Istio 1.30.5 is the newest "
        "known patch of 1.30; 1.30.4, 1.30.5 carry security fixes",
        "fix: pin \"1.30.5\" once its release notes are reviewed (chart values stay checked "
        "against the Istio 1.30.3 data)"),
    "retired-istio-host": (
        "error [retired-istio-host] istio.chartRepository: names "
        "istio-release.storage.googleapis.com, which Istio retired (nothing is published there "
        "from 1.31 on and it is being switched off); charts are served from "
        "https://blob.istio.io/istio-release/charts (or oci://ghcr.io/istio/release/charts)",
        "fix: use https://blob.istio.io/istio-release/charts or oci://ghcr.io/istio/release/charts "
        "(or a mirror of them)"),
    "unused-waiver": (
        "warning [unused-waiver] lint.waivers[0]: waives prod-single-istiod but the config has no "
        "such finding",
        "fix: remove the waiver"),
    "prod-no-priority-class": (
        "warning [prod-no-priority-class] istiod.placement.priorityClassName: is not set for "
        "istiod in a production mesh: under node pressure the scheduler preempts and evicts its "
        "pods like any other workload's",
        "fix: set it to system-cluster-critical or the cluster's own class for the mesh "
        "(docs/placement.md)"),
    "prod-tolerates-every-taint": (
        "warning [prod-tolerates-every-taint] istiod.placement.tolerations[1]: lets istiod onto "
        "nodes with any taint of effect NoSchedule: nodes being drained or kept for other "
        "workloads, so no node pool is its own",
        "fix: name the taint of the pool meant, e.g. {key: dedicated, value: istio-system, "
        "effect: NoSchedule}"),
    "prod-rollout-all-unavailable": (
        "error [prod-rollout-all-unavailable] gateways[0].placement.rollout.maxUnavailable: is 2 "
        "with 2 replica(s): a rollout may stop every gateway 'istio-egressgateway' pod before a "
        "new one is ready",
        "fix: use maxUnavailable: 0 with maxSurge: 1, or fewer than the replicas"),
    "prod-node-agent-skips-tainted-nodes": (
        "warning [prod-node-agent-skips-tainted-nodes] cni.placement.tolerations: replace the "
        "chart's tolerate-everything list, so the CNI agent stays off tainted nodes while "
        "workloads that tolerate the taint still run there, outside the mesh's traffic handling",
        "fix: keep {operator: Exists, effect: NoSchedule} and {operator: Exists, effect: "
        "NoExecute} in the list, or leave tolerations unset"),
    "legacy-tracing": (
        "warning [legacy-tracing] mesh.tracing.enabled: is true: legacy tracing (meshConfig "
        "enableTracing, defaultConfig.tracing), which Istio keeps for compatibility only",
        "fix: define a tracing provider in mesh.extensionProviders and set mesh.telemetry.tracing "
        "(see docs/telemetry.md#legacy-tracing)"),
    "access-log-file-unused": (
        "warning [access-log-file-unused] mesh.accessLog.file: is '/dev/stdout', but the "
        "mesh-wide Telemetry's accessLogging does not name the 'envoy' provider, so no proxy "
        "writes it",
        "fix: add envoy to mesh.telemetry.accessLogging.providers, or remove mesh.accessLog.file "
        "(see docs/telemetry.md#access-logs)"),
    "prod-trace-sampling-high": (
        "warning [prod-trace-sampling-high] mesh.telemetry.namespaces.shop.tracing."
        "randomSamplingPercentage: is 50: more than 10% of requests are traced, which costs "
        "proxy CPU and tracing storage at production volume",
        "fix: sample 1 to 10 percent mesh-wide and raise it in the namespace being investigated, "
        "for as long as needed"),
    "gateway-api-crds-skipped": (
        "warning [gateway-api-crds-skipped] gatewayApi.crds: is skip, but the waypoint of "
        "'storefront' is a Gateway API object: the policies stack cannot plan it on a cluster "
        "without the Gateway API CRDs",
        "fix: keep skip only where the cluster already has the CRDs (at least v1.5.1); "
        "otherwise set crds: auto"),
    "prod-no-istiod-alerts": (
        "error [prod-no-istiod-alerts] observability.alerts.enabled: is false in a production "
        "mesh: nothing alerts when istiod is down, rejects configuration or fails to inject sidecars",
        "fix: turn alerts on (the built-in control-plane rules, see docs/observability.md)"),
    "scrape-interval-too-short": (
        "warning [scrape-interval-too-short] observability.monitors.interval: is 5s: every proxy "
        "in the mesh is scraped that often, which multiplies Prometheus' samples and memory by "
        "the mesh's size",
        "fix: scrape every 15s or more (Istio's sample uses 15s; 30s is common)"),
    "prod-kiali-anonymous": (
        "error [prod-kiali-anonymous] observability.kiali.auth.strategy: is anonymous in a "
        "production mesh: anyone who reaches Kiali sees every workload, its traffic and its "
        "Istio configuration",
        "fix: use token, or header behind an authenticating proxy"),
    "observability-version-mismatch": (
        "warning [observability-version-mismatch] observability: ships Istio 1.30.3's dashboards "
        "and metric list, but the mesh runs Istio 1.31: panels and alerts may name metrics that "
        "release does not emit",
        "fix: run Istio 1.30, or review the dashboards and rules against your release "
        "(docs/observability.md)"),
}


def test_every_seeded_example_is_a_rule_with_its_exact_text() -> None:
    # The rules added from the red-team corpus are exercised there instead
    # (tests/contracts/test_lint_corpus.py checks that every rule has one or the other).
    assert sorted(p.stem for p in LINT_FIXTURES.glob("*.yaml")) == sorted(EXPECTED)
    assert set(EXPECTED) <= {r.id for r in RULES}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_seeded_mistake_is_found_with_its_exact_text(rule: str) -> None:
    path = LINT_FIXTURES / f"{rule}.yaml"
    report = lint_paths([path])
    where, fix = EXPECTED[rule]
    assert format_report(report).splitlines()[:-1] == [f"{path}: {where}", f"  {fix}"]
    assert [f.rule for f in report.findings[str(path)]] == [rule]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_config_lints_clean_or_waived(name: str) -> None:
    report = lint_paths([CONFIG_DIR / f"{name}.yaml"])
    assert report.exit_code(strict=True) == 0, format_report(report)
    assert all(f.waived for f in report.findings[str(CONFIG_DIR / f"{name}.yaml")])


def test_prod_carries_its_waiver_with_a_reason() -> None:
    findings = lint_config(load_config(CONFIG_DIR / "prod.yaml"))
    assert [(f.rule, f.waived is not None) for f in findings] == [("prod-access-logs-everywhere", True)]


def test_waived_finding_is_reported_but_does_not_fail() -> None:
    config = config_from(
        "environment: production\nistiod: {replicas: 1, resources: {requests: {cpu: '1'}}, "
        "placement: {priorityClassName: system-cluster-critical}}\n"
        "mtls: {mode: STRICT}\nmesh: {outboundTrafficPolicy: REGISTRY_ONLY}\n"
        "authorization: {defaultDeny: true}\nca: {mode: plugin}\n"
        "lint: {waivers: [{rule: prod-single-istiod, reason: single-node edge site}]}")
    report = Report(findings={"edge.yaml": lint_config(config)})
    assert report.exit_code(strict=True) == 0
    assert format_report(report) == (
        "edge.yaml: waived [prod-single-istiod] istiod.replicas: is 1: while that pod restarts, "
        "no proxy gets configuration or certificates and no pod gets a sidecar\n"
        "  waiver: single-node edge site\n"
        "checked 1 file: 0 errors, 0 warnings, 1 waived\n")


def test_production_rules_stay_silent_outside_production() -> None:
    text = "mtls: {mode: PERMISSIVE}\nistiod: {replicas: 1}\nmesh: {accessLog: {file: /dev/stdout}}\n"
    for environment in ("development", "staging"):
        assert lint_config(config_from(f"environment: {environment}\n{text}")) == []


def test_every_config_under_test_loads_for_the_linter() -> None:
    report = lint_paths([*SHIPPED_FILES, *sorted((FIXTURES / "full").glob("*.yaml"))])
    assert report.config_errors == []


def test_route_weights_of_a_single_destination_may_be_left_out() -> None:
    config = config_from(
        "environment: staging\nextraResources:\n"
        "  - apiVersion: networking.istio.io/v1\n    kind: VirtualService\n"
        "    metadata: {name: r, namespace: shop}\n"
        "    spec: {hosts: [r], tcp: [{route: [{destination: {host: r}}]}],\n"
        "           tls: [{match: [{sniHosts: [r]}], route: [{destination: {host: a}, weight: 60},\n"
        "                                                  {destination: {host: b}}]}]}\n")
    assert [(f.rule, f.path, f.message) for f in lint_config(config)] == [
        ("route-weights", "extraResources[0].spec.tls[0].route", "weights add up to 60, not 100")]


# --- the command -----------------------------------------------------------------


def run_check(*args: str, cwd: Path = REPO, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m istio_mesh check ARGS``, its ``main`` run in this process (a
    Python start and the package import saved per call); the command as a real
    process is run by the jsii test below and by tests/journeys/test_export_command.py."""
    environment = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
    environment.update(env)
    return run_in_process(istio_mesh_main, ["check", *args], cwd=cwd, env=environment)


def test_check_defaults_to_the_shipped_configs_and_passes(tmp_path: Path) -> None:
    result = run_check("--strict", cwd=copy_shipped_configs(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    # The default selection is main.py's: four cluster files and two fleet
    # files of two clusters each, each cluster checked as its own config.
    assert result.stdout.splitlines()[-1] == "checked 6 files (8 clusters): 0 errors, 0 warnings, 1 waived; Istio data 1.30.3"


def test_errors_fail_the_check_and_warnings_only_when_strict() -> None:
    error = str(LINT_FIXTURES / "route-weights.yaml")
    warning = str(LINT_FIXTURES / "prod-egress-allow-any.yaml")
    assert run_check(error).returncode == 1
    assert run_check(warning).returncode == 0
    assert run_check("--strict", warning).returncode == 1


def test_output_is_stable_text(tmp_path: Path) -> None:
    files = [LINT_FIXTURES / "prod-single-istiod.yaml", LINT_FIXTURES / "empty-value.yaml"]
    result = run_check(*map(str, files))
    assert result.returncode == 1
    assert result.stdout == (
        f"{files[0]}: {EXPECTED['prod-single-istiod'][0]}\n  {EXPECTED['prod-single-istiod'][1]}\n"
        f"{files[1]}: {EXPECTED['empty-value'][0]}\n  {EXPECTED['empty-value'][1]}\n"
        "checked 2 files: 1 error, 1 warning, 0 waived; Istio data 1.30.3\n")


def test_a_config_that_does_not_load_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("istiod: {replica: 3}\n")
    result = run_check(str(bad), str(CONFIG_DIR / "dev.yaml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: invalid mesh config\n{bad}: istiod.replica: unknown key")
    assert result.stdout == "checked 2 files: 0 errors, 0 warnings, 0 waived, 1 invalid config; Istio data 1.30.3\n"


def test_check_follows_mesh_config_and_never_starts_jsii() -> None:
    code = ("import sys, istio_mesh.__main__ as m; rc = m.main(['check']); "
            "print(rc, 'cdktf' in sys.modules, 'jsii' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "MESH_CONFIG": "config/dev.yaml"}, timeout=120, check=False)
    assert result.stdout.splitlines()[-2:] == [
        "checked 1 file: 0 errors, 0 warnings, 0 waived; Istio data 1.30.3", "0 False False"]


# --- the Istio data it checks against ----------------------------------------------


def test_shipped_istio_data_matches_the_reference(reference: Path) -> None:
    committed = data_path().read_text(encoding="utf-8")
    assert committed == render(build(reference)), (
        "lint data is stale: .venv/bin/python -m istio_mesh.lint.refdata third_party/istio/1.30.3")


def test_crd_check_agrees_with_the_reference_check(synth: Synth, reference: Path) -> None:
    # Every object the stacks emit passes both; each bad sample fails both.
    # Istio's kinds: the linter checks those (revision tags and waypoints are
    # built-in or Gateway API kinds the stack builds itself).
    emitted = [m["manifest"] for name in synth.stack_names()
               for m in synth.stack(name).get("resource", {}).get("kubernetes_manifest", {}).values()
               if m["manifest"]["apiVersion"].split("/")[0].endswith(".istio.io")]
    assert len(emitted) > 40
    assert [m for m in emitted if [p for p in resource_problems(m) if p.rule != "old-api-version"]] == []
    bad = [
        {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
         "metadata": {"name": "a", "namespace": "b"}, "spec": {"action": "PERMIT"}},
        {"apiVersion": "networking.istio.io/v1", "kind": "Sidecar",
         "metadata": {"name": "a", "namespace": "b"}, "spec": {"egress": [{"host": ["./*"]}]}},
        {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry",
         "metadata": {"name": "a", "namespace": "b"}, "spec": {"hosts": ["a"], "ports": [{"number": "x"}]}},
    ]
    for manifest in bad:
        assert crd_problems(reference, manifest) and resource_problems(manifest), manifest


@pytest.mark.parametrize(
    ("chart", "values"),
    [
        ("istiod", {"autoscaleMinimum": 3, "env": {"ANY": "1"}, "global": {"proxy": {"holdApplication": True}}}),
        ("gateway", {"autoscaling": {"minReplica": 2}, "podAnnotations": {"a": "b"}}),
        ("cni", {"excludeNamespaces": ["x"], "cniBinDirectory": "/opt"}),
        ("istiod", {"meshConfig": {"anything": 1}, "platform": "gke", "profile": "demo"}),
    ],
)
def test_chart_key_check_agrees_with_the_reference_check(reference: Path, chart: str, values: dict) -> None:
    ours = [".".join(path) for path, _ in unknown_keys(chart, values)]
    assert ours == unknown_value_keys(reference, chart, values)


def test_linter_data_is_packaged() -> None:
    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"lint/data/*.json"' in pyproject
    assert json.loads(data_path().read_text())["istioVersion"] == "1.30.3"


def test_istiod_rules_check_every_revision() -> None:
    config = config_from(
        "environment: production\nistio: {version: '1.30.3'}\n"
        "revisions:\n"
        "  - {name: 1-29-6, version: '1.29.6', replicas: 1, extraValues: {autoscaleMinimum: 2}}\n"
        "  - {name: 1-30-3, replicas: 3, resources: {requests: {cpu: 1, memory: 2Gi}}, "
        "placement: {priorityClassName: system-cluster-critical}}\n"
        "defaultRevision: 1-30-3\nztunnel: {extraValues: {logLevl: debug}}\n"
    )
    found = {(f.rule, f.path) for f in lint_config(config)}
    assert ("prod-single-istiod", "revisions[0].replicas") in found
    assert ("prod-no-resource-requests", "revisions[0].resources") in found
    assert ("prod-no-priority-class", "revisions[0].placement.priorityClassName") in found
    assert ("unknown-chart-value", "revisions[0].extraValues.autoscaleMinimum") in found
    assert ("unknown-chart-value", "ztunnel.extraValues.logLevl") in found
    assert not any(path.startswith("revisions[1]") for _, path in found)


# --- production guardrails beyond the seeded examples --------------------------------

PROD = ("environment: production\nca: {mode: plugin}\nmesh: {outboundTrafficPolicy: REGISTRY_ONLY}\n"
        "mtls: {mode: STRICT}\nauthorization: {defaultDeny: true}\n")
PRIORITY = "placement: {priorityClassName: system-cluster-critical}"
ISTIOD = f"istiod: {{replicas: 2, resources: {{requests: {{cpu: '1', memory: 2Gi}}}}, {PRIORITY}}}\n"


def rules_found(text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in lint_config(config_from(text))]


def test_a_sidecar_memory_limit_below_64mi_is_found() -> None:
    text = PROD + ISTIOD + "mesh:\n  outboundTrafficPolicy: REGISTRY_ONLY\n  proxy: {resources: " \
        "{requests: {cpu: 10m, memory: 32Mi}, limits: {memory: 48Mi}}}\n"
    text = text.replace("mesh: {outboundTrafficPolicy: REGISTRY_ONLY}\n", "")
    assert rules_found(text) == [("prod-memory-limit-too-small", "mesh.proxy.resources.limits.memory")]
    assert rules_found(text.replace("48Mi", "64Mi")) == []


@pytest.mark.parametrize(
    ("image", "floating"),
    [("docker.io/istio/proxyv2", True), ("registry:5000/istio/proxyv2", True),
     ("istio/proxyv2:latest", True), ("istio/proxyv2:1.30.3", False),
     ("registry:5000/istio/proxyv2@sha256:" + "a" * 64, False)],
)
def test_an_image_without_a_pinned_tag_or_digest_floats(image: str, floating: bool) -> None:
    text = PROD + f"istiod: {{replicas: 2, resources: {{requests: {{cpu: '1', memory: 2Gi}}}}, " \
        f"{PRIORITY}, extraValues: {{pilot: {{image: '{image}'}}}}}}\n"
    found = [rule for rule, _ in rules_found(text) if rule == "prod-floating-image-tag"]
    assert found == (["prod-floating-image-tag"] if floating else [])


@pytest.mark.parametrize(
    "budget", ["{maxUnavailable: 0}", "{maxUnavailable: '0%'}", "{minAvailable: '100%'}",
               "{minAvailable: 3}"])
def test_a_gateway_budget_that_blocks_every_drain_is_found(budget: str) -> None:
    text = PROD.replace("defaultDeny: true}", "defaultDeny: true, ingress: [{gateway: gw}]}") + ISTIOD + (
        "gateways: [{name: gw, kind: ingress, replicas: 3, resources: {requests: {cpu: 1, "
        f"memory: 1Gi}}}}, {PRIORITY}, extraValues: {{podDisruptionBudget: {budget}}}}}]\n")
    # A minAvailable merged into the stack's maxUnavailable: 1 is also a
    # PodDisruptionBudget the API server refuses.
    both = ["values-rejected-at-apply"] if "minAvailable" in budget else []
    assert [r for r, _ in rules_found(text)] == ["prod-disruption-budget-blocks-drain", *both]
    assert rules_found(text.replace(budget, "{maxUnavailable: 1}")) == []


@pytest.mark.parametrize("host", ["*.com", "*.co.uk", "*.amazonaws.com", "*.io"])
def test_wildcards_over_public_suffixes_are_found(host: str) -> None:
    text = PROD + ISTIOD + (
        f"egress: {{services: [{{name: x, hosts: ['{host}'], resolution: NONE, "
        "ports: [{number: 443, name: tls, protocol: TLS}]}]}\n")
    assert rules_found(text) == [("prod-egress-public-wildcard", "egress.services[0].hosts[0]")]
    assert rules_found(text.replace(host, "*.example" + host[1:])) == []


def test_an_allow_rule_from_every_namespace_narrowed_by_port_is_not_found() -> None:
    text = PROD.replace("defaultDeny: true}", "defaultDeny: true, allow: [{name: a, namespace: shop, "
                        "from: {namespaces: ['*']}, to: {ports: [8080]}}]}") + ISTIOD + \
        "namespaces: [{name: shop}]\n"
    assert rules_found(text) == []


def test_guardrails_stay_silent_outside_production() -> None:
    for rule in ("prod-floating-image-tag", "prod-extra-values-allow-any", "prod-chart-repository-http",
                 "prod-full-trace-sampling", "prod-mtls-override-unknown-namespace",
                 "prod-trace-sampling-high"):
        text = (LINT_FIXTURES / f"{rule}.yaml").read_text().replace(
            "environment: production", "environment: staging")
        assert [f.rule for f in lint_config(config_from(text)) if f.rule.startswith("prod-")] == [], rule


def test_check_prints_a_file_name_with_a_line_break_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "odd\nfolder"
    folder.mkdir()
    (folder / "dev.yaml").write_text("istiod: {replicas: 1}\n")  # a finding: no environment set
    (folder / "bad.yaml").write_text("istiod: {replicas: 0}\n")
    result = run_in_process(istio_mesh_main, ["check", str(folder / "dev.yaml"), str(folder / "bad.yaml")],
                            cwd=tmp_path, env=dict(os.environ))
    findings = [line for line in result.stdout.splitlines() if line.startswith(ascii(str(folder / "dev.yaml")))]
    assert findings, result.stdout  # dev.yaml has findings, each on a line of its own
    assert not [line for line in result.stdout.splitlines() if line.startswith("folder/")]
    assert f"{ascii(str(folder / 'bad.yaml'))}: istiod.replicas: got 0" in result.stderr

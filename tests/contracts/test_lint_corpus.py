"""The linter's red-team corpus: valid configs, each one change away from an
outage, an exposure, lost data or a rejected apply, and the finding each must
get.

Every file in tests/fixtures/lint-redteam/ loads (the config is valid) and
names what it must trigger in its header, one ``# expect: <severity> <rule>
<field path>`` line per finding; the test asserts exactly those findings, so
a rule that stays silent, fires twice or drags in an unrelated rule fails.
Each case's first line says what it is and where the danger is documented.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, config_from
from istio_mesh.config.loader import load_config
from istio_mesh.config.rule_catalogue import RULES, RULES_BY_ID
from istio_mesh.lint.engine import lint_config, lint_paths

CORPUS = FIXTURES / "lint-redteam"
CASES = sorted(CORPUS.glob("*.yaml"))


def expected(path: Path) -> list[tuple[str, str, str]]:
    """The ``# expect:`` lines of a case: (severity, rule, field path)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            severity, rule, where = line.removeprefix("# expect:").split()
            out.append((severity, rule, where))
    return sorted(out)


def test_the_corpus_is_large_and_every_case_expects_something() -> None:
    assert len(CASES) >= 40
    assert [p.name for p in CASES if not expected(p)] == []
    assert [p.name for p in CASES if not p.read_text().startswith("# Red-team case: ")] == []


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_each_case_gets_exactly_its_findings(path: Path) -> None:
    findings = lint_config(load_config(path))
    assert sorted((f.severity, f.rule, f.path) for f in findings) == expected(path)
    for f in findings:
        # The message says what happens and the fix what to do; the severity
        # is the catalogue's, never made up per finding.
        assert len(f.message.split()) >= 6, f.message
        assert len(f.fix.split()) >= 3, f.fix
        assert f.severity == RULES_BY_ID[f.rule].severity


def test_every_rule_is_exercised_by_a_seeded_mistake_or_a_case() -> None:
    seeded = {p.stem for p in (FIXTURES / "lint").glob("*.yaml")}
    cased = {rule for p in CASES for _, rule, _ in expected(p)}
    assert sorted(r.id for r in RULES if r.id not in seeded | cased) == []


def test_the_corpus_covers_every_section_that_can_break_a_cluster() -> None:
    # The recent sections as thoroughly as the old ones: each has its cases.
    rules = [rule for p in CASES for _, rule, _ in expected(p)]
    for family, minimum in (
        (("prod-gateway-api-", "route-", "prod-ingress-plain-http", "listener-"), 6),
        (("prod-scrape-", "prod-monitors-", "otlp-", "access-log-in-", "telemetry-"), 6),
        (("placement-never-", "spread-", "ztunnel-skips-"), 5),
        (("prod-gitops-",), 3),
    ):
        assert sum(r.startswith(family) for r in rules) >= minimum, family


def test_every_case_lints_through_the_command_path() -> None:
    report = lint_paths(CASES)
    assert report.config_errors == []
    assert sum(len(fs) for fs in report.findings.values()) == sum(len(expected(p)) for p in CASES)


# --- the boundaries: the fix each finding names makes it go away -------------------


def _fixed(case: str, old: str, new: str) -> list[str]:
    text = (CORPUS / f"{case}.yaml").read_text(encoding="utf-8")
    assert old in text, (case, old)
    return [f.rule for f in lint_config(config_from(text.replace(old, new)))]


@pytest.mark.parametrize(
    ("case", "old", "new"),
    [
        ("identity-rule-in-plain-text-namespace", "legacy: DISABLE", "legacy: STRICT"),
        ("ca-address-is-localhost", "localhost:15012", "cert-manager-istio-csr.cert-manager.svc:443"),
        ("remote-cluster-primary-is-loopback", "primaryAddress: 127.0.0.1", "primaryAddress: 10.0.0.7"),
        ("extra-values-gateway-replica-count", "replicaCount: 1", "replicaCount: 3"),
        ("image-tag-of-another-release", "tag: 1.29.2", "tag: 1.30.3-distroless"),
        ("single-ingress-pod-no-autoscaler", "replicas: 1", "replicas: 2"),
        ("egress-gateway-public-load-balancer", "service: {type: LoadBalancer}",
         "service: {type: LoadBalancer, annotations: "
         "{networking.gke.io/load-balancer-type: Internal}}"),
        ("gateway-api-route-closed-by-default-deny", "namespaces: [shop]",
         "namespaces: [shop]\n      gateways: [web]"),
        ("scrape-interval-one-second", "interval: 1s", "interval: 15s"),
        ("scrape-interval-beyond-staleness", "interval: 10m", "interval: 5m"),
        ("otlp-grpc-to-http-port", "port: 4318", "port: 4317"),
        ("topology-spread-typo-do-not-schedule", "topology.kubernetes.io/zones",
         "topology.kubernetes.io/zone"),
        ("gateway-on-control-plane-no-toleration", "    nodeSelector: {node-role",
         "    tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists,"
         " effect: NoSchedule}]\n    nodeSelector: {node-role"),
        ("gitops-auto-prune-from-main", "revision: main", "revision: 3f1c2a9d0b7e"),
        ("gitops-auto-prune-from-head", "repository: {url:",
         "repository: {revision: refs/tags/mesh-2024-06, url:"),
        ("default-deny-without-allow-rules", "- {name: shop}", "- {name: shop, injection: false}"),
    ],
)
def test_the_named_fix_clears_the_finding(case: str, old: str, new: str) -> None:
    assert _fixed(case, old, new) == []


def test_the_rules_that_judge_the_development_loop_stay_silent_outside_production() -> None:
    for case in ("helm-releases-not-atomic", "destroy-deletes-created-namespaces",
                 "gitops-auto-prune-from-main", "scrape-interval-one-second",
                 "egress-gateway-public-load-balancer", "gateway-api-single-pod"):
        assert _fixed(case, "environment: production", "environment: staging") == [], case


# --- what we ship stays clean -----------------------------------------------------


def test_the_examples_have_no_finding_but_their_missing_environment() -> None:
    examples = sorted((REPO / "examples").rglob("*.yaml"))
    assert examples
    report = lint_paths(examples)
    assert report.config_errors == []
    # The canary runbook pins exact releases, 1.29.6 to 1.30.3 (the newest
    # whose chart data is vendored): 1.29 is out of support and 1.30 has newer
    # patches, and check says so there, on those pins only.
    currency = {"istio-minor-unsupported", "istio-patch-behind"}
    for path, findings in report.findings.items():
        rules = {f.rule for f in findings}
        if "upgrade-runbook" in path:
            assert all(f.path.endswith("version") for f in findings if f.rule in currency), path
            rules -= currency
        assert rules <= {"environment-unset"}, (path, rules)

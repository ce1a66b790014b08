"""Istio's new homes: charts from blob.istio.io (or ghcr.io over OCI),
images named as docker.io/istio in every release, the move from the retired
bucket proven in place, the linter refusing retired hosts wherever a config
names them, and the release table's currency checks."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    CONFIG_DIR,
    FLEET_FILES,
    REPO,
    RUNBOOK_DIR,
    SNAPSHOTTED,
    Synth,
    config_from,
    helm_releases,
    release_values,
    synthesize,
    without_metadata,
)
from istio_mesh.__main__ import main as istio_mesh_main
from istio_mesh.config.fleet import load_fleet
from istio_mesh.config.loader import load_config
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.export import argocd_export
from istio_mesh.lint.currency import minor_unsupported, patch_behind
from istio_mesh.lint.engine import lint_config, lint_paths
from istio_mesh.lint.refdata import data_version
from istio_mesh.lint.release_table import parse_table, release_table
from istio_mesh.plan import cluster_plan
from lint.test_engine import run_check

NEW_CHARTS = "https://blob.istio.io/istio-release/charts"
OCI_CHARTS = "oci://ghcr.io/istio/release/charts"
OLD_CHARTS = "https://istio-release.storage.googleapis.com/charts"
HUB = "docker.io/istio"
# Written out here, not imported, so a test of the matcher is not the matcher.
RETIRED = re.compile(r"istio-release\.storage\.googleapis\.com|storage\.googleapis\.com/istio-release"
                     r"|gcr\.io/istio-release|registry\.istio\.io", re.IGNORECASE)

# terraform-provider-helm v3.1.2, helm/resource_helm_release.go: the only
# helm_release attributes with stringplanmodifier.RequiresReplace() are
# "name" and "namespace"; its ModifyPlan sets no replacement either. Every
# other attribute, "repository" and "chart" included, is updated in place.
FORCES_REPLACEMENT = ("name", "namespace")


# -- defaults and the synthesized stacks -------------------------------------------


def test_the_default_chart_source_is_istios_new_home() -> None:
    config = config_from("{}")
    assert config.istio.chart_repository == NEW_CHARTS
    assert {r.repository for r in cluster_plan(config).mesh.releases if not r.packaged} == {NEW_CHARTS}


def test_no_stack_of_a_shipped_config_or_runbook_step_names_a_retired_host(synth: Synth) -> None:
    for name in SNAPSHOTTED:
        for stack in (f"{name}-mesh", f"{name}-policies"):
            path = synth.outdir / "stacks" / stack / "cdk.tf.json"
            if path.exists():
                assert not RETIRED.search(path.read_text()), stack


def _istiod_of(releases: dict[str, Any], gateway: dict[str, Any]) -> dict[str, Any]:
    revision = release_values(gateway).get("revision")
    istiods = {r: v for r, v in releases.items() if v["chart"] == "istiod"}
    if revision is None or len(istiods) == 1:
        return next(iter(istiods.values()))
    # A gateway on a revision or tag: every istiod of the stack must agree then.
    hubs = {release_values(v)["global"]["hub"] for v in istiods.values()}
    assert len(hubs) == 1
    return next(iter(istiods.values()))


def test_every_release_that_runs_an_istio_image_names_its_registry(synth: Synth) -> None:
    """istiod and cni read global.hub, ztunnel its top-level hub; a gateway's
    pod image is 'auto', filled in by its istiod's injector from that
    istiod's global.hub; base runs no image."""
    seen = set()
    for name in SNAPSHOTTED:
        releases = helm_releases(synth.stack(f"{name}-mesh")) if (
            synth.outdir / "stacks" / f"{name}-mesh").exists() else {}
        for release in releases.values():
            values = release_values(release)
            chart = release["chart"]
            if chart in ("istiod", "cni"):
                assert values["global"]["hub"] == HUB, (name, chart)
            elif chart == "ztunnel":
                assert values["hub"] == HUB, name
            elif chart == "gateway":
                assert release_values(_istiod_of(releases, release))["global"]["hub"] == HUB
            seen.add(chart)
    assert {"istiod", "cni", "ztunnel", "gateway"} <= seen


def test_a_set_hub_is_named_instead_in_every_release() -> None:
    config = config_from("istio: {hub: registry.example.com/istio, profile: ambient}\n"
                         "cni: {enabled: true}\nztunnel: {enabled: true}")
    hubs = {}
    for release in cluster_plan(config).mesh.releases:
        values = release.values
        if release.chart in ("istiod", "cni"):
            hubs[release.chart] = values["global"]["hub"]
        elif release.chart == "ztunnel":
            hubs[release.chart] = values["hub"]
    assert hubs == {"istiod": "registry.example.com/istio", "cni": "registry.example.com/istio",
                    "ztunnel": "registry.example.com/istio"}


# -- OCI -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oci_and_move(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """prod three ways in one app: Istio's OCI registry, the retired bucket
    (what a running mesh was installed from), and the new default."""
    prod = load_config(CONFIG_DIR / "prod.yaml")

    def at(repository: str) -> MeshConfig:
        return prod.model_copy(update={"istio": prod.istio.model_copy(update={"chart_repository": repository})})

    ambient = load_config(CONFIG_DIR / "ambient.yaml")
    oci_ambient = ambient.model_copy(
        update={"istio": ambient.istio.model_copy(update={"chart_repository": OCI_CHARTS})})
    return synthesize({"oci": at(OCI_CHARTS), "ocia": oci_ambient, "old": at(OLD_CHARTS), "new": prod},
                      tmp_path_factory.mktemp("homes") / "cdktf.out")


def test_an_oci_chart_source_synthesizes_the_providers_documented_oci_form(oci_and_move: Synth) -> None:
    """terraform-provider-helm's docs ("Chart Repository configured from OCI
    Registry"): repository = "oci://<registry>/<path>", chart = "<name>", version
    separate; the provider joins them into oci://<registry>/<path>/<name>."""
    charts = set()
    for stack in ("oci-mesh", "ocia-mesh"):
        for rid, release in helm_releases(oci_and_move.stack(stack)).items():
            if rid == "gateway-api-crds":
                continue
            assert release["repository"] == OCI_CHARTS
            assert release["chart"] in ("base", "istiod", "cni", "ztunnel", "gateway")
            assert "/" not in release["chart"] and release["version"] == "1.30.3"
            charts.add(release["chart"])
    assert charts == {"base", "istiod", "cni", "ztunnel", "gateway"}


def test_an_oci_chart_source_exports_as_argo_cds_oci_source() -> None:
    config = config_from(f"istio: {{chartRepository: '{OCI_CHARTS}'}}")
    export = argocd_export("c", config, cluster_plan(config))
    source = export.releases["c-istiod"]["spec"]["source"]
    assert {k: source[k] for k in ("repoURL", "path", "targetRevision")} == {
        "repoURL": f"{OCI_CHARTS}/istiod", "path": ".", "targetRevision": "1.30.3"}
    assert "chart" not in source


def test_a_private_mirror_keeps_working() -> None:
    for mirror in ("https://charts.example.com/istio", "oci://registry.example.com/mirror/istio"):
        config = config_from(f"istio: {{chartRepository: '{mirror}'}}")
        assert {r.repository for r in cluster_plan(config).mesh.releases if not r.packaged} == {mirror}
        assert [f for f in lint_config(config) if f.rule == "retired-istio-host"] == []


# -- the move of a running mesh ------------------------------------------------------


def test_moving_from_the_retired_bucket_is_an_in_place_update_of_repository_only(oci_and_move: Synth) -> None:
    # cdktf's "//" blocks hold construct paths, which name the stack; Terraform ignores them.
    old = without_metadata(oci_and_move.stack("old-mesh")["resource"])
    new = without_metadata(oci_and_move.stack("new-mesh")["resource"])
    # Same resources at the same addresses: nothing created or destroyed.
    assert {t: sorted(r) for t, r in old.items()} == {t: sorted(r) for t, r in new.items()}
    assert {t: r for t, r in old.items() if t != "helm_release"} == {
        t: r for t, r in new.items() if t != "helm_release"}
    moved = 0
    for rid, before in old["helm_release"].items():
        after = new["helm_release"][rid]
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        if rid == "gateway-api-crds":
            assert changed == set()
            continue
        assert changed == {"repository"}, rid
        assert (before["repository"], after["repository"]) == (OLD_CHARTS, NEW_CHARTS)
        # chart, version and values equal: Helm renders the same manifests, no pod restarts.
        assert all(before[k] == after[k] for k in ("chart", "version", "values", *FORCES_REPLACEMENT))
        moved += 1
    assert moved == len(old["helm_release"]) - ("gateway-api-crds" in old["helm_release"]) >= 4


# -- exports -------------------------------------------------------------------------


def _every_config() -> dict[str, MeshConfig]:
    configs = {p.stem: load_config(p) for p in [*sorted(CONFIG_DIR.glob("*.yaml")), *sorted(RUNBOOK_DIR.glob("*.yaml"))]}
    for fleet in FLEET_FILES:
        configs.update(load_fleet(fleet))
    return configs


def test_no_exported_file_names_a_retired_host(tmp_path: Path) -> None:
    from istio_mesh.export import write_exports

    exports = [argocd_export(name, c, cluster_plan(c)) for name, c in sorted(_every_config().items())]
    written = write_exports(exports, tmp_path)
    assert written
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert not RETIRED.search(path.read_text()), path
    urls = {a["spec"]["source"]["repoURL"] for e in exports for a in e.releases.values()}
    assert NEW_CHARTS in urls and not any(RETIRED.search(u) for u in urls)


# -- the linter: retired hosts anywhere ----------------------------------------------


def _retired(config: MeshConfig) -> list[tuple[str, str]]:
    return [(f.path, f.message) for f in lint_config(config) if f.rule == "retired-istio-host"]


@pytest.mark.parametrize(("text", "path", "home"), [
    (f"istio: {{chartRepository: '{OLD_CHARTS}'}}", "istio.chartRepository", NEW_CHARTS),
    ("istio: {chartRepository: 'https://storage.googleapis.com/istio-release/releases/1.30.3/charts'}",
     "istio.chartRepository", OCI_CHARTS),
    ("istio: {hub: gcr.io/istio-release}", "istio.hub", HUB),
    ("istio: {hub: eu.gcr.io/istio-release}", "istio.hub", HUB),
    ("istio: {hub: registry.istio.io/release}", "istio.hub", HUB),
    ("istiod: {extraValues: {global: {proxy: {image: 'gcr.io/istio-release/proxyv2:1.30.3'}}}}",
     "istiod.extraValues.global.proxy.image", HUB),
    ("revisions: [{name: a, extraValues: {pilot: {hub: registry.istio.io/release}}}]",
     "revisions[0].extraValues.pilot.hub", HUB),
    ("cni: {enabled: true, extraValues: {global: {hub: GCR.IO/istio-release}}}",
     "cni.extraValues.global.hub", HUB),
    ("ztunnel: {enabled: true, extraValues: {hub: registry.istio.io/release}}\n"
     "istio: {profile: ambient}\ncni: {enabled: true}", "ztunnel.extraValues.hub", HUB),
    ("gateways: [{name: gw, kind: ingress, extraValues: {podAnnotations: "
     "{sidecar.istio.io/proxyImage: 'gcr.io/istio-release/proxyv2:1.30.3'}}}]",
     "gateways[0].extraValues.podAnnotations.sidecar.istio.io/proxyImage", HUB),
])
def test_a_retired_host_is_an_error_wherever_the_config_names_it(text: str, path: str, home: str) -> None:
    (found,) = _retired(config_from(text))
    assert found[0] == path
    assert "retired" in found[1] and home in found[1]


@pytest.mark.parametrize("text", [
    "istio: {hub: docker.io/istio}",
    "istio: {hub: mygcr.io/istio-release-mirror}",
    "istio: {hub: notregistry.istio.io.example.com/x}",
    f"istio: {{chartRepository: '{NEW_CHARTS}'}}",
    "istiod: {extraValues: {global: {proxy: {image: 'blob.istio.io/istio-release/x'}}}}",
])
def test_the_new_homes_and_look_alikes_are_not_retired(text: str) -> None:
    assert _retired(config_from(text)) == []


def test_check_strict_fails_on_a_retired_host_in_a_cluster_file_naming_the_new_home(tmp_path: Path) -> None:
    cluster = tmp_path / "cluster.yaml"
    cluster.write_text("environment: staging\nistio: {hub: gcr.io/istio-release}\n")
    result = run_check("--strict", str(cluster))
    assert result.returncode == 1
    assert (f"{cluster}: error [retired-istio-host] istio.hub: names gcr.io/istio-release, which "
            "Istio retired") in result.stdout
    assert f"fix: use {HUB} (or a mirror of it)" in result.stdout


def test_check_strict_fails_on_a_retired_host_in_a_fleet_file(tmp_path: Path) -> None:
    fleet = tmp_path / "fleets" / "pair.yaml"
    fleet.parent.mkdir()
    text = (REPO / "config" / "fleets" / "primary-remote.yaml").read_text()
    fleet.write_text(text.replace("    shared:\n", f"    shared:\n      istio: {{chartRepository: '{OLD_CHARTS}'}}\n", 1))
    report = lint_paths([fleet])
    flagged = {where for where, fs in report.findings.items() for f in fs if f.rule == "retired-istio-host"}
    assert flagged == set(report.findings) and len(flagged) == 2
    result = run_check("--strict", str(fleet))
    assert result.returncode == 1 and NEW_CHARTS in result.stdout


def test_check_strict_fails_on_a_retired_host_in_a_runbook_step(tmp_path: Path) -> None:
    step = tmp_path / "upgrade-step-5.yaml"
    text = (RUNBOOK_DIR / "upgrade-step-5.yaml").read_text()
    step.write_text(text + "\ncni:\n  extraValues: {global: {hub: registry.istio.io/release}}\n"
                    if "cni:" not in text else text.replace(
                        "cni:\n", "cni:\n  extraValues: {global: {hub: registry.istio.io/release}}\n", 1))
    result = run_check("--strict", str(step))
    assert result.returncode == 1
    assert "error [retired-istio-host] cni.extraValues.global.hub: names registry.istio.io" in result.stdout
    assert HUB in result.stdout


def test_shipped_configs_and_runbook_steps_name_no_retired_host() -> None:
    report = lint_paths([*sorted(CONFIG_DIR.glob("*.yaml")), *FLEET_FILES, *sorted(RUNBOOK_DIR.glob("*.yaml"))])
    assert [f for fs in report.findings.values() for f in fs if f.rule == "retired-istio-host"] == []


# -- version currency ----------------------------------------------------------------


def test_every_row_of_the_release_table_names_its_public_source() -> None:
    data = json.loads((REPO / "constructs" / "istio_mesh" / "lint" / "data" / "releases.json").read_text())
    for row in [*data["minors"], *data["releases"]]:
        assert row["source"].startswith("https://"), row
    versions = [r["version"] for r in data["releases"]]
    assert {"1.30.3", "1.30.4", "1.30.5", "1.31.0"} <= set(versions)
    assert {m["minor"] for m in data["minors"]} == {"1.28", "1.29", "1.30", "1.31"}


def test_a_stale_patch_warns_and_names_the_security_releases() -> None:
    (found,) = patch_behind(config_from("istio: {version: '1.30.3'}"))
    assert (found.rule, found.severity, found.path) == ("istio-patch-behind", "warning", "istio.version")
    assert "1.30.5 is the newest known patch" in found.message and "1.30.4, 1.30.5 carry security" in found.message


def test_the_newest_known_patch_and_a_newer_one_are_current() -> None:
    assert list(patch_behind(config_from("istio: {version: '1.30.5'}"))) == []
    assert list(patch_behind(config_from("istio: {version: '1.30.9'}"))) == []


def test_the_default_pin_is_the_packages_choice_and_not_warned() -> None:
    """Unpinned configs run the package's default (1.30.3, the newest patch
    whose chart data is vendored); the warning is for pins a config writes."""
    assert list(patch_behind(config_from("{}"))) == []
    assert list(minor_unsupported(config_from("{}"), today=date(2026, 12, 6))) == []


def test_a_revision_pin_is_checked_too() -> None:
    config = config_from("revisions: [{name: a, version: '1.30.1'}, {name: b}]")
    assert [f.path for f in patch_behind(config)] == ["revisions[0].version"]


def test_an_unsupported_minor_is_an_error_on_a_given_day() -> None:
    config = config_from("istio: {version: '1.29.9'}")
    assert list(minor_unsupported(config, today=date(2026, 10, 15))) == []
    (found,) = minor_unsupported(config, today=date(2026, 10, 16))
    assert (found.rule, found.severity) == ("istio-minor-unsupported", "error")
    assert "Istio 1.29 went out of support on 2026-10-15" in found.message


def test_a_minor_older_than_an_unsupported_one_is_unsupported() -> None:
    (found,) = minor_unsupported(config_from("istio: {version: '1.25.2'}"), today=date(2026, 12, 6))
    assert "older than 1.28, whose support ended on 2026-06-29" in found.message


def test_the_current_minor_goes_out_of_support_when_the_table_says_so() -> None:
    table = parse_table(json.dumps({
        "minors": [{"minor": "1.30", "endOfSupport": "2027-03-01", "source": "https://x"}],
        "releases": [{"version": "1.30.3", "released": None, "security": None, "source": "https://x"}],
    }))
    config = config_from("{}")
    assert list(minor_unsupported(config, table, today=date(2027, 3, 1))) == []
    assert [f.rule for f in minor_unsupported(config, table, today=date(2027, 3, 2))] == ["istio-minor-unsupported"]


def test_any_patch_of_a_vendored_minor_is_checked_against_that_minors_data() -> None:
    assert data_version("1.30.5") == "1.30.3" and data_version("1.30.0") == "1.30.3"
    assert data_version("1.31.0") is None
    config = config_from("istio: {version: '1.30.5'}\nistiod: {extraValues: {autoscaleMinimum: 3}}")
    rules = {f.rule: f.message for f in lint_config(config)}
    assert "istio-version-unchecked" not in rules
    assert "in Istio 1.30.3" in rules["unknown-chart-value"]


def test_check_says_which_istio_data_it_used(tmp_path: Path) -> None:
    cluster = tmp_path / "c.yaml"
    cluster.write_text("environment: staging\nistio: {version: '1.30.5'}\n")
    result = run_check("--strict", str(cluster))
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "checked 1 file: 0 errors, 0 warnings, 0 waived; Istio data 1.30.3"


def test_the_table_knows_the_default_pin() -> None:
    from istio_mesh.config.versions import DEFAULT_ISTIO_VERSION

    assert DEFAULT_ISTIO_VERSION in {r.version for r in release_table().releases}
    assert data_version(DEFAULT_ISTIO_VERSION) == DEFAULT_ISTIO_VERSION

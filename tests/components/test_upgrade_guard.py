"""Upgrade safety: an in-place Istio change of more than one minor version is refused.

The rule and its wording are pure Python (istio_mesh.runtime.upgrades); the guard is
synthesized Terraform (terraform_data precondition, terraform_remote_state of
the stack's own state). tests/contracts/test_upgrade_guard_terraform.py runs the real
Terraform on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Synth, config_from, synthesize
from istio_mesh.runtime.upgrades import (
    crosses_more_than_one_minor,
    minor_index,
    skipped_minor_warnings,
)

REFUSAL_1_30_3 = (
    'Istio release "istiod" is at ${lookup(local.previous_istio_versions, "istiod", "none")} '
    "since the last apply; changing it in place to 1.30.3 crosses more than one minor version, "
    "which Istio does not support. Move one minor version per apply, or install 1.30.3 as a "
    "new revision beside the running control plane and move workloads to it (revision-based "
    "upgrade, https://istio.io/latest/docs/setup/upgrade/helm/)."
)


@pytest.mark.parametrize(
    ("previous", "version", "refused"),
    [
        ("1.30.1", "1.30.3", False),
        ("1.29.4", "1.30.3", False),
        ("1.30.3", "1.29.4", False),
        ("1.28.2", "1.30.3", True),
        ("1.30.3", "1.28.0", True),
        ("1.30.3", "2.0.0", True),
    ],
)
def test_the_rule(previous: str, version: str, refused: bool) -> None:
    assert crosses_more_than_one_minor(previous, version) is refused


def test_minor_index_makes_consecutive_minors_adjacent() -> None:
    assert (minor_index("1.29.9"), minor_index("1.30.0"), minor_index("2.0.0")) == (1029, 1030, 2000)


def test_the_mesh_stack_carries_the_guard(synth: Synth) -> None:
    stack = synth.stack("prod-mesh")
    guard = stack["resource"]["terraform_data"]["istiod-upgrade-guard"]
    assert guard["input"] == "1.30.3"
    assert guard["lifecycle"]["precondition"] == [{
        "condition": '${abs(lookup(local.previous_istio_minors, "istiod", 1030) - 1030) <= 1}',
        "error_message": REFUSAL_1_30_3,
    }]
    istiod = stack["resource"]["helm_release"]["istiod"]
    assert istiod["depends_on"] == [
        "helm_release.istio-base", "helm_release.istio-cni", "kubernetes_secret_v1.cacerts",
        "terraform_data.istiod-upgrade-guard"]


def test_the_stack_exports_what_each_release_runs_and_reads_it_back(synth: Synth) -> None:
    stack = synth.stack("prod-mesh")
    assert stack["output"]["istio_control_plane_versions"] == {
        "description": "Istio version of each control-plane release, read back by the upgrade guards.",
        "value": {"istiod": "${helm_release.istiod.version}"},
    }
    state = "../../../terraform.prod-mesh.tfstate"
    assert stack["terraform"]["backend"] == {"local": {"path": state}}  # the same file
    assert stack["data"]["terraform_remote_state"] == {"previous_state": {
        "backend": "local",
        "config": {"path": state},
        "defaults": {"istio_control_plane_versions": {}},
        "count": f'${{fileexists("{state}") ? (length(trimspace(file("{state}"))) > 0 ? 1 : 0) : 0}}',
    }}
    assert stack["locals"] == {
        "previous_istio_versions": "${merge({}, one(data.terraform_remote_state.previous_state[*]"
                                   ".outputs.istio_control_plane_versions))}",
        "previous_istio_minors": '${{for name, version in local.previous_istio_versions : name => '
                                 'tonumber(split(".", version)[0]) * 1000 + '
                                 'tonumber(split(".", version)[1])}}',
    }


def test_gateways_do_not_wait_for_the_guard_directly(synth: Synth) -> None:
    # Only the control plane is guarded; gateways follow istiod as before.
    releases = synth.stack("prod-mesh")["resource"]["helm_release"]
    assert releases["istio-ingressgateway"]["depends_on"] == ["helm_release.istiod"]


# ------------------------------------------------ the synth-time early warning


def _synth_at(version: str, outdir: Path) -> Path:
    synthesize({"prod": config_from(f"istio: {{version: '{version}'}}")}, outdir)
    return outdir


def test_a_skipped_minor_against_the_previous_synthesis_is_warned_about(tmp_path: Path) -> None:
    previous = _synth_at("1.28.2", tmp_path / "old")
    assert skipped_minor_warnings(previous, _synth_at("1.30.3", tmp_path / "new")) == [
        'warning: prod-mesh: Istio release "istiod" is at 1.28.2 in the previous synthesis; '
        "changing it in place to 1.30.3 crosses more than one minor version, which Istio does not "
        "support. Move one minor version per apply, or install 1.30.3 as a new revision beside "
        "the running control plane and move workloads to it (revision-based upgrade, "
        "https://istio.io/latest/docs/setup/upgrade/helm/). If the cluster runs 1.28.2, "
        "Terraform will refuse the plan."
    ]
    assert skipped_minor_warnings(previous, _synth_at("1.29.1", tmp_path / "next")) == []


def test_no_previous_synthesis_means_no_warning(tmp_path: Path) -> None:
    assert skipped_minor_warnings(tmp_path / "missing", _synth_at("1.30.3", tmp_path / "new")) == []


def test_an_unreadable_previous_stack_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "old" / "stacks" / "prod-mesh").mkdir(parents=True)
    (tmp_path / "old" / "stacks" / "prod-mesh" / "cdk.tf.json").write_text("{not json")
    assert skipped_minor_warnings(tmp_path / "old", _synth_at("1.30.3", tmp_path / "new")) == []


def test_main_prints_the_warning_and_still_synthesizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from istio_mesh import cli

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "prod.yaml").write_text("istio: {version: '1.30.3'}\n")
    _synth_at("1.28.2", tmp_path / "cdktf.out")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MESH_CONFIG", raising=False)
    monkeypatch.delenv("CDKTF_OUTDIR", raising=False)
    assert cli.main() == 0
    err = capsys.readouterr().err
    assert err.startswith('warning: prod-mesh: Istio release "istiod" is at 1.28.2 in the previous')
    stack = json.loads((tmp_path / "cdktf.out/stacks/prod-mesh/cdk.tf.json").read_text())
    assert stack["resource"]["helm_release"]["istiod"]["version"] == "1.30.3"


def test_every_revision_has_its_own_guard(synth: Synth) -> None:
    stack = synth.stack("upgrade-step-1-mesh")
    guards = [g for g in stack["resource"]["terraform_data"] if g.endswith("-upgrade-guard")]
    assert sorted(guards) == ["istiod-1-29-6-upgrade-guard", "istiod-1-30-3-upgrade-guard"]
    assert stack["output"]["istio_control_plane_versions"]["value"] == {
        "istiod-1-29-6": "${helm_release.istiod-1-29-6.version}",
        "istiod-1-30-3": "${helm_release.istiod-1-30-3.version}",
    }
    for name in ("istiod-1-29-6", "istiod-1-30-3"):
        release = stack["resource"]["helm_release"][name]
        assert f"terraform_data.{name}-upgrade-guard" in release["depends_on"]


def test_remote_backends_carry_the_guard_too(synth: Synth) -> None:
    # The guard reads the HCP workspace's state back (tests/contracts/test_upgrade_guard_remote.py).
    stack = synth.stack("hcp-mesh")
    assert "terraform_data.istiod-upgrade-guard" in stack["resource"]["helm_release"]["istiod"]["depends_on"]
    assert stack["output"]["istio_control_plane_versions"]["value"] == {
        "istiod": "${helm_release.istiod.version}"}
    assert stack["data"]["terraform_remote_state"]["previous_state"]["backend"] == "remote"

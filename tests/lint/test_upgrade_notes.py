"""``check`` prints the upgrade notes that apply to a move, and no others."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO
from istio_mesh.__main__ import main
from istio_mesh.lint.upgrade_notes import CONDITIONS, NOTES_PATH

RUNBOOK = REPO / "examples" / "upgrade-runbook"


def printed_ids(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    # Notes never fail the check; the lint findings decide the exit code (a
    # move to 1.29, out of support, is an error of its own).
    assert main(["check", *argv]) in (0, 1)
    out = capsys.readouterr().out
    return re.findall(r"^  \d+\.\d+ \[([\w-]+)\]", out, re.MULTILINE)


def config(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text("environment: staging\n" + text)
    return str(path)


AMBIENT_WITH_KIALI = """
istio: {{version: "{version}", profile: ambient}}
cni: {{enabled: true}}
ztunnel: {{enabled: true}}
gatewayApi: {{crds: install}}
namespaces:
  - {{name: kiali, create: true, dataplane: ambient}}
  - {{name: shop, create: true, dataplane: ambient, waypoint: true}}
"""

PLAIN_SIDECAR = """
istio: {{version: "{version}"}}
namespaces: [{{name: shop, create: true}}]
"""


def test_runbook_step_4_to_5_prints_the_notes_of_its_upgrade(capsys: pytest.CaptureFixture[str]) -> None:
    # Step 5 runs sidecars with the CNI agent, no Gateway API, no Kiali, no GitOps export.
    ids = printed_ids(capsys, "--from", str(RUNBOOK / "upgrade-step-4.yaml"), str(RUNBOOK / "upgrade-step-5.yaml"))
    assert ids == ["cni-config-file-mode", "xds-debug-endpoints-authenticated"]


def test_a_runbook_step_with_two_minors_side_by_side_prints_them_on_its_own(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert printed_ids(capsys, str(RUNBOOK / "upgrade-step-2.yaml")) == [
        "cni-config-file-mode", "xds-debug-endpoints-authenticated"]
    assert printed_ids(capsys, str(RUNBOOK / "upgrade-step-0.yaml")) == []  # one version: no move


def test_a_1_29_to_1_30_move_prints_what_applies_to_the_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    old = config(tmp_path, "old", AMBIENT_WITH_KIALI.format(version="1.29.6"))
    new = config(tmp_path, "new", AMBIENT_WITH_KIALI.format(version="1.30.3"))
    assert printed_ids(capsys, "--from", old, new) == [
        "cni-config-file-mode", "gateway-api-v1-5", "xds-debug-endpoints-authenticated",
        "cni-agent-exclude-namespaces"]
    old = config(tmp_path, "old", PLAIN_SIDECAR.format(version="1.29.6"))
    new = config(tmp_path, "new", PLAIN_SIDECAR.format(version="1.30.3"))
    assert printed_ids(capsys, "--from", old, new) == ["xds-debug-endpoints-authenticated"]


def test_the_debug_endpoint_note_needs_kiali(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old = config(tmp_path, "old", AMBIENT_WITH_KIALI.format(version="1.28.2"))
    new = config(tmp_path, "new", AMBIENT_WITH_KIALI.format(version="1.29.6"))
    assert printed_ids(capsys, "--from", old, new) == [
        "base-chart-rbac-removed", "debug-endpoint-authorization", "ambient-dns-capture"]
    old = config(tmp_path, "old", PLAIN_SIDECAR.format(version="1.28.2"))
    new = config(tmp_path, "new", PLAIN_SIDECAR.format(version="1.29.6"))
    assert printed_ids(capsys, "--from", old, new) == ["base-chart-rbac-removed"]


def test_the_helm_v4_note_needs_the_gitops_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old = config(tmp_path, "old", PLAIN_SIDECAR.format(version="1.29.6"))
    new = config(tmp_path, "new", PLAIN_SIDECAR.format(version="1.30.3") + "gitops: {project: mesh}\n")
    assert "helm-v4-server-side-apply" in printed_ids(capsys, "--from", old, new)


def test_a_move_over_two_minors_prints_both(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old = config(tmp_path, "old", PLAIN_SIDECAR.format(version="1.28.2"))
    new = config(tmp_path, "new", PLAIN_SIDECAR.format(version="1.30.3"))
    assert printed_ids(capsys, "--from", old, new) == ["base-chart-rbac-removed", "xds-debug-endpoints-authenticated"]


def test_the_printed_note_carries_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--from", str(RUNBOOK / "upgrade-step-4.yaml"), str(RUNBOOK / "upgrade-step-5.yaml")])
    out = capsys.readouterr().out
    assert ("upgrade notes for examples/upgrade-runbook/upgrade-step-4.yaml -> "
            "examples/upgrade-runbook/upgrade-step-5.yaml (Istio 1.29 -> 1.30): 2") in out.replace(str(REPO) + "/", "")
    assert ("    source: https://istio.io/latest/news/releases/1.30.x/announcing-1.30/upgrade-notes/"
            "#cni-config-file-permissions-changed-to-0600") in out


def test_from_needs_exactly_one_new_config(capsys: pytest.CaptureFixture[str]) -> None:
    step = str(RUNBOOK / "upgrade-step-5.yaml")
    assert main(["check", "--from", step, step, step]) == 2
    assert "name exactly one FILE" in capsys.readouterr().err


def test_every_row_of_the_table_is_sourced_and_conditioned() -> None:
    rows = json.loads(NOTES_PATH.read_text())["notes"]
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["when"] in CONDITIONS, row["id"]
        assert row["version"] in {"1.29", "1.30", "1.31"}, row["id"]
        assert re.fullmatch(r"https://(istio\.io|github\.com/istio)/\S+", row["source"]), row["id"]
        assert row["title"] and len(row["text"]) > 40, row["id"]

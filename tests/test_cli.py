"""main.py as users run it: exit codes, messages, and an untouched cdktf.out."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONFIG_DIR, REPO, Synth


def run_main(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, str(REPO / "main.py")],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A working directory with the shipped configs and an earlier cdktf.out."""
    (tmp_path / "config" / "fleets").mkdir(parents=True)
    for path in [*CONFIG_DIR.glob("*.yaml"), *CONFIG_DIR.glob("fleets/*.yaml")]:
        (tmp_path / path.relative_to(REPO)).write_text(path.read_text())
    previous = tmp_path / "cdktf.out" / "stacks" / "prod-mesh"
    previous.mkdir(parents=True)
    (previous / "cdk.tf.json").write_text('{"previous": "synthesis"}')
    (tmp_path / "cdktf.out" / "manifest.json").write_text("{}")
    return tmp_path


BAD_INPUTS = {
    "unknown-key": ("istiod: {replicas: 3, replica: 2}\n",
                    "bad.yaml: istiod.replica: unknown key; allowed keys: autoscaling, extraValues, "
                    "replicas, resources, spread (did you mean 'replicas'?)"),
    "wrong-type": ("istiod: {replicas: [3]}\n",
                   "bad.yaml: istiod.replicas: got [3] (list); must be a valid integer"),
    "replicas-out-of-range": ("istiod: {replicas: 0}\n",
                              "bad.yaml: istiod.replicas: got 0; allowed: 1 to 20"),
    "mtls-mode": ("mtls: {mode: MUTUAL}\n",
                  "bad.yaml: mtls.mode: got 'MUTUAL' (string); must be 'STRICT', 'PERMISSIVE' or 'DISABLE'"),
    "yaml-syntax": ("istiod: {replicas: 3\n",
                    "bad.yaml: YAML syntax error at line 2, column 1: expected ',' or '}', but got '<stream end>'"),
    "empty-file": ("", "bad.yaml: file is empty; expected a mapping of settings such as 'istiod:'"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_config_exits_non_zero_without_traceback_or_output(project: Path, case: str) -> None:
    text, message = BAD_INPUTS[case]
    (project / "config" / "bad.yaml").write_text(text)
    before = tree_digest(project / "cdktf.out")
    result = run_main(project)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr == f"error: invalid mesh config\nconfig/{message}\n"
    assert tree_digest(project / "cdktf.out") == before


def test_missing_file_named_by_mesh_config(project: Path) -> None:
    before = tree_digest(project / "cdktf.out")
    result = run_main(project, MESH_CONFIG="config/prod.yaml,config/qa.yaml")
    assert result.returncode == 2
    assert result.stderr == "error: invalid mesh config\nconfig/qa.yaml: file not found\n"
    assert tree_digest(project / "cdktf.out") == before


def test_mesh_config_selects_files_by_glob(project: Path) -> None:
    result = run_main(project, MESH_CONFIG="config/st*.yaml")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    manifest = json.loads((project / "cdktf.out" / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == ["staging-mesh", "staging-policies"]
    # Success is not an error: it goes to stdout, and stderr stays empty, so
    # the cdktf CLI (which tags every stderr line [ERROR]) shows none.
    assert result.stdout.endswith("synthesized 2 stacks for staging\n")
    assert result.stderr == ""


def test_no_selection_synthesizes_every_cluster_and_fleet_file(
    default_synthesis: tuple[subprocess.CompletedProcess[str], Synth],
) -> None:
    result, synth = default_synthesis
    assert result.returncode == 0, result.stderr
    clusters = ["ambient", "central", "dev", "east", "edge", "prod", "staging", "west"]
    assert synth.stack_names() == sorted(
        f"{cluster}-{kind}" for cluster in clusters for kind in ("mesh", "policies"))
    assert result.stdout.splitlines()[-1] == f"synthesized 16 stacks for {', '.join(clusters)}"
    assert result.stderr == ""

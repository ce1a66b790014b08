"""``python -m istio_mesh export argocd`` as users run it: the selection,
the files, exit codes, and an untouched output on a bad config.

One test runs ``python -m istio_mesh`` as a subprocess; the others call its
``main`` in the test process with the same working directory and environment
(:func:`conftest.run_in_process`), which saves a Python start and the
package import per run."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import CONFIG_DIR, SHIPPED, run_in_process, tree_digest
from istio_mesh.__main__ import main as istio_mesh_main


def export_subprocess(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "istio_mesh", "export", "argocd", *args],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )


def run_export(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
    environment.update(env)
    return run_in_process(istio_mesh_main, ["export", "argocd", *args], cwd=cwd, env=environment)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    for name in SHIPPED:
        (tmp_path / "config" / f"{name}.yaml").write_text((CONFIG_DIR / f"{name}.yaml").read_text())
    return tmp_path


def test_default_selection_and_output_directory(project: Path) -> None:
    result = export_subprocess(project)
    assert result.returncode == 0, result.stderr
    out = project / "build" / "argocd"
    assert sorted(p.name for p in out.iterdir()) == [".istio-mesh-output", *SHIPPED]
    assert (out / "prod" / "applications" / "prod-istiod.yaml").is_file()
    assert (out / "prod" / "README.md").is_file()


def test_mesh_config_selects_and_out_redirects(project: Path) -> None:
    result = run_export(project, "--out", "gitops", MESH_CONFIG="config/prod.yaml")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / "gitops").iterdir()) == [".istio-mesh-output", "prod"]
    # Success goes to stdout, as for every command; stderr is for problems.
    assert result.stdout.startswith("exported ") and "prod" in result.stdout
    assert result.stderr == ""


def test_the_output_is_the_same_bytes_every_run(project: Path) -> None:
    assert run_export(project, "--out", "a").returncode == 0
    assert run_export(project, "--out", "b").returncode == 0
    assert tree_digest(project / "a") == tree_digest(project / "b")


def test_each_file_is_one_document_with_sorted_keys_and_no_aliases(project: Path) -> None:
    assert run_export(project, MESH_CONFIG="config/prod.yaml").returncode == 0
    files = sorted((project / "build" / "argocd").rglob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text()
        (document,) = list(yaml.safe_load_all(text))
        assert list(document) == sorted(document), path
        assert "&id" not in text and "*id" not in text, path


def test_no_secret_is_exported_and_the_readme_names_the_prerequisites(project: Path) -> None:
    assert run_export(project, MESH_CONFIG="config/prod.yaml").returncode == 0
    out = project / "build" / "argocd" / "prod"
    kinds = {yaml.safe_load(p.read_text())["kind"] for p in out.rglob("*.yaml")}
    assert "Secret" not in kinds
    readme = (out / "README.md").read_text()
    # config/prod.yaml sets ca.mode: plugin, whose istiod needs the cacerts Secret.
    assert "| `cacerts` | `istio-system` |" in readme


def test_a_bad_config_writes_nothing_and_exits_2(project: Path) -> None:
    assert run_export(project).returncode == 0
    before = tree_digest(project / "build" / "argocd")
    (project / "config" / "zz-bad.yaml").write_text("gitops: {project: Bad_Name}\n")
    result = run_export(project)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "zz-bad.yaml: gitops.project: got 'Bad_Name'" in result.stderr
    assert tree_digest(project / "build" / "argocd") == before


def test_files_of_a_config_no_longer_selected_disappear(project: Path) -> None:
    assert run_export(project).returncode == 0
    assert run_export(project, MESH_CONFIG="config/dev.yaml").returncode == 0
    assert sorted(p.name for p in (project / "build" / "argocd").iterdir()) == [".istio-mesh-output", "dev"]


def test_check_still_works(project: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
    result = subprocess.run(
        [sys.executable, "-m", "istio_mesh", "check", "config/dev.yaml"],
        cwd=project, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr

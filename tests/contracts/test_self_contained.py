"""The repository is all a user gets: nothing may read outside the checkout.

A clone from a git host has nothing beside it, so the Istio files the tests
and the linter check against are vendored under third_party/istio with their
licence, and no tracked file may point at a folder beside the checkout.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import REPO, VENDORED_ISTIO

# What tests/istio_reference.py and istio_mesh.lint.refdata read.
NEEDED = (
    "LICENSE",
    "base/files/crd-all.gen.yaml",
    "base/values.yaml",
    "istiod/values.yaml",
    "cni/values.yaml",
    "ztunnel/values.yaml",
    "gateway/values.yaml",
    "gateway/values.schema.json",
)

# The charts tests/contracts/test_chart_rendering.py renders with a real Helm: each
# vendored whole (Chart.yaml, values.yaml, templates/ and files/).
# Each with the template of the workload whose pod spec the test reads.
RENDERED_CHARTS = {
    "istiod": "templates/deployment.yaml",
    "gateway": "templates/deployment.yaml",
    "cni": "templates/daemonset.yaml",
    "ztunnel": "templates/daemonset.yaml",
}


def _chart_files() -> list[str]:
    return [
        str(path.relative_to(VENDORED_ISTIO))
        for chart in RENDERED_CHARTS
        for folder in ("templates", "files")
        for path in sorted((VENDORED_ISTIO / chart / folder).rglob("*"))
        if path.is_file()
    ]


def test_vendored_istio_files_are_all_there_with_the_licence() -> None:
    missing = [name for name in NEEDED if not (VENDORED_ISTIO / name).is_file()]
    assert missing == []
    charts = [f"{c}/{f}" for c, workload in RENDERED_CHARTS.items() for f in ("Chart.yaml", workload)]
    assert [name for name in charts if not (VENDORED_ISTIO / name).is_file()] == []
    assert "Apache License" in (VENDORED_ISTIO / "LICENSE").read_text()[:200]


def test_vendored_istio_files_are_tracked() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", str(VENDORED_ISTIO.relative_to(REPO))],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.split()
    expected = [*NEEDED, *(f"{c}/Chart.yaml" for c in RENDERED_CHARTS), *_chart_files()]
    assert sorted(tracked) == sorted(f"third_party/istio/1.30.3/{name}" for name in expected)


def test_no_tracked_file_reads_beside_the_checkout() -> None:
    hits = subprocess.run(
        ["git", "grep", "-l", "-F", "-e", "../shared", "-e", "/work/shared", "--", ".", ":!tests/contracts/test_self_contained.py"],
        cwd=REPO, capture_output=True, text=True,
    ).stdout.split()
    assert hits == []


def test_the_regeneration_script_is_executable() -> None:
    script = REPO / "third_party" / "istio" / "regenerate"
    assert script.is_file() and script.stat().st_mode & 0o111
    assert Path(script).read_text().startswith("#!/usr/bin/env bash")

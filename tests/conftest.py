"""Shared fixtures.

One jsii runtime per test process: every synthesized stack comes from one
session-wide synthesis of the shipped configs (plus a config that turns on
every feature), and pure-Python tests never import cdktf.

``make test`` runs the tests in parallel processes (pytest-xdist). The
expensive session results (the synthesis of every fixture, ``npx cdktf
synth``'s subprocess) are made once per run, by whichever process needs them
first, in a folder every process of the run sees (:func:`made_once`); the
others wait for it and read the files.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import sys
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from istio_mesh.cli import quiet_cdktf_deprecation
from istio_mesh.config.fleet import load_fleet
from istio_mesh.config.loader import load_config, parse_config
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.errors import ConfigError
from istio_mesh.runtime.fast_path import enable as enable_fast_path

REPO = Path(__file__).resolve().parents[1]
# The development tools (deploy graph and picture, config reference), which
# the wheel does not ship, import from here in the tests that check them.
sys.path.insert(0, str(REPO / "tools"))
# jsii starts `node` from PATH. Like the Makefile, put the Node that
# package.json pins first when it is installed, so a bare `pytest` on a
# machine whose own Node is past end-of-life runs a supported one.
PINNED_NODE_BIN = REPO / "node_modules" / ".bin"
if (PINNED_NODE_BIN / "node").exists():
    os.environ["PATH"] = f"{PINNED_NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
# As the app does (istio_mesh.cli), before any test starts jsii: cdktf 0.21's
# one Node 22 deprecation warning would otherwise reach stderr.
quiet_cdktf_deprecation()
CONFIG_DIR = REPO / "config"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The examples the repository ships, by name: a fixed list, never a glob of
# config/. The README tells users to add their own config/<name>.yaml; such a
# file (valid or half-written) joins no snapshot and breaks no test.
SHIPPED = ["ambient", "dev", "prod", "staging"]
# The upgrade runbook's steps (examples/upgrade-runbook/): synthesized and
# snapshotted like the shipped ones, but outside config/, so not part of the
# default selection (they are one cluster at six moments, not six clusters).
RUNBOOK_DIR = REPO / "examples" / "upgrade-runbook"
EXAMPLES = sorted(p.stem for p in RUNBOOK_DIR.glob("*.yaml"))
# Example fleet files (config/fleets/): every cluster they list, by name.
FLEET_FILES = [CONFIG_DIR / "fleets" / "multi-primary.yaml", CONFIG_DIR / "fleets" / "primary-remote.yaml"]
SHIPPED_FILES = [*(CONFIG_DIR / f"{name}.yaml" for name in SHIPPED), *FLEET_FILES]
"""Every shipped config file: what a run with no MESH_CONFIG reads in a clone
that has no config of its own."""
FLEET_CLUSTERS = sorted(c for p in FLEET_FILES for c in load_fleet(p))
SNAPSHOTTED = SHIPPED + EXAMPLES + FLEET_CLUSTERS
# The shipped configs plus fixtures that switch on every option, so contract
# tests see every key and resource the code can emit.
FULL_FIXTURES = sorted(p.stem for p in (FIXTURES / "full").glob("*.yaml"))


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session: pytest.Session) -> Iterator[None]:
    """Collect with the fast path on, as main.py turns it on.

    A test module that imports the bindings at its top (test_binding_loading
    does) starts jsii's kernel while the tests are collected, once per test
    process; inside this block it starts as main.py starts it (one node
    process, only the provider modules used compiled, no token creation
    stacks: docs/performance.md), which every synthesis of the run then
    shares. The environment is restored after collection, so the processes
    tests start (the plain-cdktf probe among them) choose their own kernel.
    """
    enable_fast_path()
    yield


# Istio's own files for the pinned release, vendored with their licence
# (third_party/istio/README.md says how to regenerate them).
VENDORED_ISTIO = REPO / "third_party" / "istio" / "1.30.3"


def istio_reference() -> Path:
    """Istio's real 1.30.3 data, vendored in the repository (or $ISTIO_REFERENCE)."""
    path = Path(os.environ.get("ISTIO_REFERENCE", VENDORED_ISTIO))
    if not (path / "base" / "files" / "crd-all.gen.yaml").is_file():
        pytest.fail(f"Istio reference data not found at {path}; set ISTIO_REFERENCE")
    return path


@pytest.fixture(scope="session")
def reference() -> Path:
    return istio_reference()


def config_path(name: str) -> Path:
    """A shipped config or a full fixture, by stem."""
    for candidate in (CONFIG_DIR / f"{name}.yaml", RUNBOOK_DIR / f"{name}.yaml"):
        if candidate.exists():
            return candidate
    return FIXTURES / "full" / f"{name}.yaml"


def load_all_configs() -> dict[str, MeshConfig]:
    """Every snapshotted config and full fixture, by name (fleet clusters included)."""
    fleets = {name: config for path in FLEET_FILES for name, config in load_fleet(path).items()}
    singles = [n for n in SNAPSHOTTED + FULL_FIXTURES if n not in fleets]
    return {**{name: load_config(config_path(name)) for name in singles}, **fleets}


@pytest.fixture(scope="session")
def all_configs() -> dict[str, MeshConfig]:
    return load_all_configs()


@dataclass(frozen=True)
class Synth:
    """One synthesis: the output directory and its stacks, parsed."""

    outdir: Path

    def stack(self, name: str) -> dict[str, Any]:
        return json.loads(self.stack_text(name))

    def stack_text(self, name: str) -> str:
        return (self.outdir / "stacks" / name / "cdk.tf.json").read_text()

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.outdir / "manifest.json").read_text())

    def stack_names(self) -> list[str]:
        return sorted(self.manifest()["stacks"])


def synthesize(configs: dict[str, MeshConfig], outdir: Path) -> Synth:
    from istio_mesh.app import build_app

    build_app(configs, outdir=outdir).synth()
    return Synth(outdir)


def copy_shipped_configs(project: Path) -> Path:
    """``project``/config/ holding the shipped config files and nothing else:
    where a test runs the default selection (every file under config/)."""
    for path in SHIPPED_FILES:
        target = project / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    return project


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder that every process of this test run sees and no other run does:
    pytest's base temporary folder, or under pytest-xdist its parent (each
    worker gets its own base folder inside the run's)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """``make(folder)``, run once per test run by whichever process asks first;
    the others wait on a file lock, then use the same folder. A ``make`` that
    fails leaves no result, so the next process to ask tries (and fails) again."""
    root = run_folder(tmp_path_factory)
    folder, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with open(root / f"shared-{name}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory, all_configs: dict[str, MeshConfig]) -> Synth:
    """Every snapshotted config and full fixture, synthesized in one app."""

    def run(folder: Path) -> None:
        synthesize(all_configs, folder / "cdktf.out")

    return Synth(made_once(tmp_path_factory, "synth", run) / "cdktf.out")


def fresh_stack(name: str = "test") -> Any:
    """A new, empty stack in a new app, for one construct test."""
    from istio_mesh.runtime.terraform import App, TerraformStack

    return TerraformStack(App(), name)


def without_metadata(node: Any) -> Any:
    """``node`` without cdktf's ``//`` blocks (construct paths, tool versions;
    Terraform ignores them), at every depth."""
    if isinstance(node, dict):
        return {key: without_metadata(value) for key, value in node.items() if key != "//"}
    if isinstance(node, list):
        return [without_metadata(value) for value in node]
    return node


def synth_stack(stack: Any) -> dict[str, Any]:
    """What ``stack`` synthesizes to, in memory, without cdktf's ``//`` blocks."""
    from istio_mesh.runtime.terraform import Testing

    return dict(without_metadata(json.loads(Testing.synth(stack))))


@pytest.fixture(scope="session")
def default_synthesis(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Synth]:
    """``npx cdktf synth`` as a user first runs it on a fresh clone: cdktf.json's
    app command, no MESH_CONFIG, in a subprocess, in a project folder whose
    config/ holds the shipped files only (so a user's own config/ files do not
    change it). Shared by the README walkthrough test and the CLI's
    default-selection test: one synthesis of every config for both."""
    command = shlex.split(json.loads((REPO / "cdktf.json").read_text())["app"])
    # The app's files by their place in this repository; its working folder
    # (where config/ is found) is the project folder.
    app = [str(REPO / word) if (REPO / word).is_file() else word for word in command]

    def run(folder: Path) -> None:
        project = copy_shipped_configs(folder / "project")
        env = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
        env["CDKTF_OUTDIR"] = str(folder / "cdktf.out")
        done = subprocess.run(app, cwd=project, env=env, capture_output=True, text=True,
                              timeout=1200, check=False)
        (folder / "result.json").write_text(json.dumps(
            {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}))

    folder = made_once(tmp_path_factory, "default-synthesis", run)
    found = json.loads((folder / "result.json").read_text())
    result = subprocess.CompletedProcess(app, found["returncode"], found["stdout"], found["stderr"])
    return result, Synth(folder / "cdktf.out")


def helm_releases(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return stack.get("resource", {}).get("helm_release", {})


def release_values(release: dict[str, Any]) -> dict[str, Any]:
    """The chart values a release passes, merged in order as Helm does."""
    from istio_mesh.config.merge import deep_merge

    merged: dict[str, Any] = {}
    for text in release["values"]:
        merged = deep_merge(merged, json.loads(text))
    return merged


def run_in_process(
    entry: Callable[[Sequence[str]], int], argv: Sequence[str], *, cwd: Path, env: Mapping[str, str],
) -> subprocess.CompletedProcess[str]:
    """``entry(argv)`` (a command's ``main``) in this process, as a subprocess in
    ``cwd`` with environment ``env`` would run it: its exit code and what it
    printed. A Python start and the package import (most of a second) saved per
    call; an exception escapes and fails the test, as a traceback would. Tests
    of what only a real process shows (``main.py``'s entry point, signals,
    which modules get imported) keep a subprocess."""
    saved_cwd, saved_env = Path.cwd(), dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    try:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        with redirect_stdout(out), redirect_stderr(err):
            code = entry(argv)
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(list(argv), code, out.getvalue(), err.getvalue())


def config_from(text: str) -> MeshConfig:
    return parse_config(text, "test.yaml")


def error_for(text: str, file: str = "config/prod.yaml") -> str:
    """The whole message a config text is refused with, read as from ``file``
    (the test fails if the text is accepted)."""
    with pytest.raises(ConfigError) as caught:
        parse_config(text, file)
    return str(caught.value)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file below ``root`` by relative path, with its SHA-256: what a
    command must leave as it was."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def chdir_tmp(tmp_path: Path) -> Iterator[Path]:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


GATEWAY_API_CHART_VERSION = "1.5.1"
"""The shipped Gateway API CRD chart's version: the Gateway API release Istio
1.30.3 builds against (sigs.k8s.io/gateway-api v1.5.1 in its go.mod)."""


KIALI_CHART_FOR_ISTIO = {"1.29": "2.21.0", "1.30": "2.26.0"}
"""The kiali-server chart Istio's own add-ons install with each minor
(manifests/addons/gen.sh at 1.29.6 and 1.30.3)."""


def expected_release_repository(config: MeshConfig, release_name: str) -> str | None:
    """Istio's charts come from the configured repository; the Gateway API
    CRD chart ships in the package and names none; Kiali comes from Kiali's."""
    if release_name == "kiali" and config.observability is not None:
        return config.observability.kiali.repository
    return None if release_name == "gateway-api-crds" else config.istio.chart_repository


def expected_release_version(config: MeshConfig, release_name: str) -> str:
    """The chart version a release must install, worked out here from the
    config's fields alone (not with the plan code under test): an istiod
    revision its own version, a gateway the version of the revision its
    ``revision`` (or the default revision) names, directly or through a tag;
    the Gateway API CRDs their chart's; everything else (base, cni, ztunnel)
    ``istio.version``."""
    pinned = config.istio.version
    if release_name == "gateway-api-crds":
        return GATEWAY_API_CHART_VERSION
    if release_name == "kiali" and config.observability is not None:
        return config.observability.kiali.version or KIALI_CHART_FOR_ISTIO[pinned.rpartition(".")[0]]
    revisions = {r.name: r.version or pinned for r in config.revisions}
    releases = {("istiod" if name == "default" else f"istiod-{name}"): v for name, v in revisions.items()}
    if release_name in releases:
        return releases[release_name]
    for gateway in config.gateways:
        if gateway.name == release_name:
            wanted = gateway.revision or config.default_revision or "default"
            return revisions.get(config.revision_tags.get(wanted, wanted), pinned)
    return pinned

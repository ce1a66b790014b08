"""Shared fixtures.

One jsii runtime per test process: every synthesized stack comes from one
session-wide synthesis of the shipped configs (plus a config that turns on
every feature), and pure-Python tests never import cdktf.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from istio_mesh.config.fleet import load_fleet
from istio_mesh.config.loader import load_config, parse_config
from istio_mesh.config.models import MeshConfig

REPO = Path(__file__).resolve().parents[1]
# jsii starts `node` from PATH. Like the Makefile, put the Node that
# package.json pins first when it is installed, so a bare `pytest` on a
# machine whose own Node is past end-of-life runs a supported one.
PINNED_NODE_BIN = REPO / "node_modules" / ".bin"
if (PINNED_NODE_BIN / "node").exists():
    os.environ["PATH"] = f"{PINNED_NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
CONFIG_DIR = REPO / "config"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHIPPED = sorted(p.stem for p in CONFIG_DIR.glob("*.yaml"))
# Example configs (the upgrade runbook's steps): synthesized and snapshotted
# like the shipped ones, but not part of `make synth`'s default selection.
EXAMPLES = sorted(p.stem for p in (CONFIG_DIR / "examples").glob("*.yaml"))
# Example fleet files (config/fleets/): every cluster they list, by name.
FLEET_FILES = sorted((CONFIG_DIR / "fleets").glob("*.yaml"))
FLEET_CLUSTERS = sorted(c for p in FLEET_FILES for c in load_fleet(p))
SNAPSHOTTED = SHIPPED + EXAMPLES + FLEET_CLUSTERS
# The shipped configs plus fixtures that switch on every option, so contract
# tests see every key and resource the code can emit.
FULL_FIXTURES = sorted(p.stem for p in (FIXTURES / "full").glob("*.yaml"))


def istio_reference() -> Path:
    """Istio's real 1.30.3 data, from ../shared beside the checkout (or $ISTIO_REFERENCE)."""
    path = Path(os.environ.get("ISTIO_REFERENCE", REPO.parent / "shared" / "istio" / "1.30.3"))
    if not (path / "base" / "files" / "crd-all.gen.yaml").is_file():
        pytest.fail(f"Istio reference data not found at {path}; set ISTIO_REFERENCE")
    return path


@pytest.fixture(scope="session")
def reference() -> Path:
    return istio_reference()


def config_path(name: str) -> Path:
    """A shipped config or a full fixture, by stem."""
    for candidate in (CONFIG_DIR / f"{name}.yaml", CONFIG_DIR / "examples" / f"{name}.yaml"):
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


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory, all_configs: dict[str, MeshConfig]) -> Synth:
    return synthesize(all_configs, tmp_path_factory.mktemp("cdktf.out"))


def helm_releases(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return stack.get("resource", {}).get("helm_release", {})


def release_values(release: dict[str, Any]) -> dict[str, Any]:
    """The chart values a release passes, merged in order as Helm does."""
    from istio_mesh.values.merge import deep_merge

    merged: dict[str, Any] = {}
    for text in release["values"]:
        merged = deep_merge(merged, json.loads(text))
    return merged


def config_from(text: str) -> MeshConfig:
    return parse_config(text, "test.yaml")


@pytest.fixture
def chdir_tmp(tmp_path: Path) -> Iterator[Path]:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


def expected_release_version(config: MeshConfig, release_name: str) -> str:
    """The chart version a release must install: istiod revisions their own,
    gateways their revision's, the rest (base, cni, ztunnel) istio.version."""
    from istio_mesh.config.control_planes import control_planes, resolve

    for plane in control_planes(config):
        if plane.release_name == release_name:
            return plane.version
    for gateway in config.gateways:
        if gateway.name == release_name:
            plane = resolve(config, gateway.revision)
            assert plane is not None
            return plane.version
    return config.istio.version

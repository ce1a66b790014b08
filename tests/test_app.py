"""The cdktf app (istio_mesh.app): two stacks per cluster config, named
``<cluster>-mesh`` and ``<cluster>-policies``, added in name order, the
policies after the mesh, and a remote cluster's mesh after its primary's
policies. This file builds apps from small configs and a primary-remote
fleet and checks the stacks, their order and their dependencies in the
synthesized manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import CONFIG_DIR, config_from
from istio_mesh.app import build_app, mesh_stack_name, policies_stack_name
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.fleet import load_fleet
from istio_mesh.runtime.toolchain import TOOLCHAIN

FLEET = load_fleet(CONFIG_DIR / "fleets" / "primary-remote.yaml")
"""central (primary) and edge (remote of central)."""


def _dependencies(configs: dict[str, MeshConfig], outdir: Path) -> dict[str, list[str]]:
    build_app(configs, outdir=outdir).synth()
    stacks: dict[str, Any] = json.loads((outdir / "manifest.json").read_text())["stacks"]
    return {name: stack["dependencies"] for name, stack in stacks.items()}


def test_stack_names_are_the_cluster_and_the_stacks_role() -> None:
    assert (mesh_stack_name("prod"), policies_stack_name("prod")) == ("prod-mesh", "prod-policies")


def test_one_config_gives_a_mesh_stack_and_a_policies_stack_after_it(tmp_path: Path) -> None:
    assert _dependencies({"dev": config_from("{}")}, tmp_path) == {"dev-mesh": [], "dev-policies": ["dev-mesh"]}


def test_stacks_are_added_in_cluster_name_order_whatever_the_order_given() -> None:
    app = build_app({"zeta": config_from("{}"), "alpha": config_from("{}")})
    assert [child.node.id for child in app.node.children] == [
        "alpha-mesh", "alpha-policies", "zeta-mesh", "zeta-policies"]


def test_two_independent_clusters_do_not_wait_for_each_other(tmp_path: Path) -> None:
    assert _dependencies({"a": config_from("{}"), "b": config_from("{}")}, tmp_path) == {
        "a-mesh": [], "a-policies": ["a-mesh"], "b-mesh": [], "b-policies": ["b-mesh"]}


def test_a_remote_clusters_mesh_waits_for_its_primarys_policies(tmp_path: Path) -> None:
    assert _dependencies(dict(FLEET), tmp_path) == {
        "central-mesh": [], "central-policies": ["central-mesh"],
        "edge-mesh": ["central-policies"], "edge-policies": ["edge-mesh"]}


def test_a_remote_without_its_primary_in_the_app_waits_for_nothing_outside_it(tmp_path: Path) -> None:
    assert _dependencies({"edge": FLEET["edge"]}, tmp_path) == {"edge-mesh": [], "edge-policies": ["edge-mesh"]}


def test_no_configs_give_an_app_without_stacks() -> None:
    assert list(build_app({}).node.children) == []


def test_the_app_carries_the_toolchains_context() -> None:
    app = build_app({})
    assert app.node.try_get_context("targetVersions") == {
        "cdktf": None, "cdktn": {"terraform": ">=1.11.0", "opentofu": ">=1.11.0"}}[TOOLCHAIN]


def test_the_app_synthesizes_into_the_given_folder(tmp_path: Path) -> None:
    build_app({"dev": config_from("{}")}, outdir=tmp_path / "out").synth()
    assert sorted(p.name for p in (tmp_path / "out" / "stacks").iterdir()) == ["dev-mesh", "dev-policies"]

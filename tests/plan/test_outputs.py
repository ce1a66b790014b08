"""Outputs other stacks read through remote state: values (without jsii) and synthesis."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import FULL_FIXTURES, SHIPPED, Synth, config_from, helm_releases
from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan.outputs import OUTPUT_NAMES, mesh_outputs
from istio_mesh.values.istiod import istiod_values

CONFIGS = SHIPPED + FULL_FIXTURES


def test_output_names_are_the_documented_ones() -> None:
    assert [o.name for o in mesh_outputs(config_from("{}"))] == list(OUTPUT_NAMES) == [
        "ingress_gateways", "istiod_revisions", "mesh_id", "root_namespace"]


def outputs(text: str) -> dict[str, Any]:
    return {output.name: output.value for output in mesh_outputs(config_from(text))}


def test_defaults_follow_istio() -> None:
    assert outputs("{}") == {
        "ingress_gateways": {},
        "istiod_revisions": ["default"],
        "mesh_id": "cluster.local",
        "root_namespace": "istio-system",
    }


def test_mesh_id_is_written_to_the_chart_and_the_output() -> None:
    config = config_from("mesh: {meshId: mesh1}")
    assert istiod_values(config, control_planes(config)[0])["global"]["meshID"] == "mesh1"
    assert outputs("mesh: {meshId: mesh1}")["mesh_id"] == "mesh1"
    empty = config_from("{}")
    assert "meshID" not in istiod_values(empty, control_planes(empty)[0])["global"]


def test_outputs_follow_extra_values_overrides() -> None:
    found = outputs(
        "istiod: {extraValues: {revision: canary, meshConfig: {trustDomain: acme.example}}}\n"
        "gateways: [{name: edge, kind: ingress, extraValues: {name: public-edge}}]\n"
    )
    assert found["istiod_revisions"] == ["canary"]
    assert found["mesh_id"] == "acme.example"
    assert found["ingress_gateways"] == {"edge": {"service": "public-edge", "namespace": "istio-ingress"}}


def test_only_ingress_gateways_are_published() -> None:
    found = outputs(
        "istioNamespace: mesh-system\n"
        "gateways: [{name: in, kind: ingress, namespace: edge}, {name: out, kind: egress}]\n"
    )
    assert found["ingress_gateways"] == {"in": {"service": "in", "namespace": "edge"}}
    assert found["root_namespace"] == "mesh-system"


@pytest.mark.parametrize("name", CONFIGS)
def test_every_mesh_stack_publishes_the_outputs(
    synth: Synth, all_configs: dict[str, MeshConfig], name: str
) -> None:
    stack = synth.stack(f"{name}-mesh")
    # Besides the public ones, the upgrade guard's own record (local state).
    assert set(stack["output"]) - set(OUTPUT_NAMES) <= {"istio_control_plane_versions"}
    outputs = {k: v for k, v in stack["output"].items() if k in OUTPUT_NAMES}
    assert sorted(outputs) == list(OUTPUT_NAMES)
    expected = {o.name: o.value for o in mesh_outputs(all_configs[name])}
    assert {k: v["value"] for k, v in outputs.items()} == expected
    assert all(v["description"] and "sensitive" not in v for v in outputs.values())
    assert "output" not in synth.stack(f"{name}-policies")


@pytest.mark.parametrize("name", CONFIGS)
def test_outputs_are_published_after_every_release(synth: Synth, name: str) -> None:
    # Plain addresses: Terraform rejects "${helm_release.x}" in depends_on
    # ("A single static variable reference is required"), which is what
    # cdktf writes for an output's depends_on on its own.
    stack = synth.stack(f"{name}-mesh")
    releases = sorted(f"helm_release.{rid}" for rid in helm_releases(stack))
    for name_, output in stack["output"].items():
        if name_ not in OUTPUT_NAMES:
            continue
        assert sorted(output["depends_on"]) == releases
        assert all(re.fullmatch(r"[a-z_]+\.[A-Za-z0-9_-]+", a) for a in output["depends_on"])


def test_hcp_fixture_outputs(synth: Synth) -> None:
    outputs = {k: v["value"] for k, v in synth.stack("hcp-mesh")["output"].items()}
    assert outputs == {
        "ingress_gateways": {"public-ingress": {"service": "public-edge", "namespace": "istio-ingress"}},
        # Read back by the upgrade guard through the HCP workspace's state.
        "istio_control_plane_versions": {"istiod": "${helm_release.istiod.version}"},
        "istiod_revisions": ["default"],
        "mesh_id": "acme-mesh",
        "root_namespace": "istio-system",
    }


def test_docs_name_every_output() -> None:
    from conftest import REPO

    page = (REPO / "docs" / "terraform-cloud.md").read_text()
    section = page[page.index("## Stack outputs"):]
    assert [n for n in OUTPUT_NAMES if f"| `{n}` |" not in section] == []

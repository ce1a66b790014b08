"""The plan-time upgrade guard with remote state: the data source that reads
the stack's previous outputs follows the config's backend.

S3 runs for real: Terraform 1.11 against a local S3 stand-in on 127.0.0.1
(tests/s3_stand_in.py), with the synthesized backend and data source pointed
at it. HCP Terraform, GCS and azurerm cannot be reached
offline, so their synthesized JSON is checked: the same data source, with the
backend type and settings of the stack's own state.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import config_from, synthesize
from s3_stand_in import s3_stand_in
from terraform_harness import Project, unwrapped
from istio_mesh.stacks.state import FIRST_APPLY_VARIABLE

STACK = "prod-mesh"
S3 = "backend: {type: s3, bucket: mesh-state, region: eu-west-1, keyPrefix: istio}\n"
# Test-only settings that send the S3 backend to the local server instead of AWS.
LOCAL_S3 = {
    "use_path_style": True, "skip_credentials_validation": True, "skip_requesting_account_id": True,
    "skip_metadata_api_check": True, "skip_region_validation": True, "skip_s3_checksum": True,
}


def mesh_stack(backend: str, version: str, tmp_path: Path) -> dict[str, Any]:
    outdir = tmp_path / f"synth-{version}-{abs(hash(backend))}"
    synthesize({"prod": config_from(f"{backend}istio: {{version: '{version}'}}")}, outdir)
    return json.loads((outdir / "stacks" / STACK / "cdk.tf.json").read_text())


@pytest.fixture
def s3_server() -> Iterator[str]:
    """A local S3 endpoint with the bucket ``mesh-state``."""
    with s3_stand_in("mesh-state") as (endpoint, _):
        yield endpoint


def pointed_at(stack: dict[str, Any], endpoint: str) -> dict[str, Any]:
    """The synthesized stack with its S3 backend and data source sent to ``endpoint``."""
    stack = json.loads(json.dumps(stack))
    local = {**LOCAL_S3, "endpoints": {"s3": endpoint}}
    stack["terraform"]["backend"]["s3"].update(local)
    stack["data"]["terraform_remote_state"]["previous_state"]["config"].update(local)
    return stack


def refusal(previous: str, version: str) -> str:
    return (f'Istio release "istiod" is at {previous} since the last apply; changing it in place '
            f"to {version} crosses more than one minor version")


def s3_project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "project", STACK)
    project.env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    return project


def test_terraform_refuses_a_two_minor_jump_with_s3_state(tmp_path: Path, s3_server: str) -> None:
    project = s3_project(tmp_path)
    project.write(pointed_at(mesh_stack(S3, "1.28.2", tmp_path), s3_server))
    project.succeed("init")
    # First apply: the bucket holds no state for this stack yet.
    project.succeed("apply", "-auto-approve", f"-var={FIRST_APPLY_VARIABLE}=true")

    project.write(pointed_at(mesh_stack(S3, "1.30.3", tmp_path), s3_server))
    plan = project.terraform("plan")
    assert plan.returncode == 1
    assert "Error: Resource precondition failed" in plan.stderr
    assert refusal("1.28.2", "1.30.3") in unwrapped(plan.stderr)

    project.write(pointed_at(mesh_stack(S3, "1.29.1", tmp_path), s3_server))
    project.succeed("apply", "-auto-approve")  # one minor: allowed, and recorded
    project.write(pointed_at(mesh_stack(S3, "1.30.3", tmp_path), s3_server))
    project.succeed("plan")


def test_first_apply_without_the_switch_stops_before_changing_anything(
    tmp_path: Path, s3_server: str
) -> None:
    # Terraform cannot tell a missing state from an unreadable one, and the
    # guard fails closed: the plan stops, naming the data source.
    project = s3_project(tmp_path)
    project.write(pointed_at(mesh_stack(S3, "1.28.2", tmp_path), s3_server))
    project.succeed("init")
    plan = project.terraform("plan")
    assert plan.returncode == 1
    assert "Unable to find remote state" in plan.stderr
    assert "data.terraform_remote_state.previous_state" in plan.stderr


@pytest.mark.parametrize(
    ("backend", "data_backend", "config"),
    [
        pytest.param(
            S3, "s3",
            {"bucket": "mesh-state", "key": "istio/prod-mesh.tfstate", "region": "eu-west-1"},
            id="s3"),
        pytest.param(
            "backend: {type: gcs, bucket: mesh-state, prefix: istio}\n", "gcs",
            {"bucket": "mesh-state", "prefix": "istio/prod-mesh"}, id="gcs"),
        pytest.param(
            "backend: {type: azurerm, storageAccountName: meshstate, containerName: tfstate, "
            "resourceGroupName: platform, keyPrefix: istio}\n", "azurerm",
            {"storage_account_name": "meshstate", "container_name": "tfstate",
             "resource_group_name": "platform", "key": "istio/prod-mesh.tfstate",
             "use_azuread_auth": True}, id="azurerm"),
        pytest.param(
            "backend: {type: cloud, organization: acme, executionMode: local, workspaces: {project: istio}}\n", "remote",
            {"hostname": "app.terraform.io", "organization": "acme",
             "workspaces": {"name": "prod-mesh"}}, id="cloud-named"),
        pytest.param(
            "backend: {type: cloud, organization: acme, executionMode: local, workspaces: {tags: [istio]}}\n", "remote",
            {"hostname": "app.terraform.io", "organization": "acme",
             "workspaces": {"name": "${terraform.workspace}"}}, id="cloud-tagged"),
    ],
)
def test_the_guard_reads_the_stacks_own_state_through_its_backend(
    tmp_path: Path, backend: str, data_backend: str, config: dict[str, Any]
) -> None:
    stack = mesh_stack(backend, "1.30.3", tmp_path)
    previous = stack["data"]["terraform_remote_state"]["previous_state"]
    assert previous == {
        "backend": data_backend, "config": config,
        "count": f"${{var.{FIRST_APPLY_VARIABLE} ? 0 : 1}}",
        "defaults": {"istio_control_plane_versions": {}},
    }
    assert stack["variable"][FIRST_APPLY_VARIABLE]["default"] is False
    assert stack["resource"]["terraform_data"]["istiod-upgrade-guard"]["lifecycle"]["precondition"]
    assert "terraform_data.istiod-upgrade-guard" in stack["resource"]["helm_release"]["istiod"]["depends_on"]


def test_local_state_needs_no_switch(tmp_path: Path) -> None:
    stack = mesh_stack("", "1.30.3", tmp_path)
    assert FIRST_APPLY_VARIABLE not in stack.get("variable", {})
    assert stack["data"]["terraform_remote_state"]["previous_state"]["backend"] == "local"


def test_no_credential_reaches_the_data_source(tmp_path: Path) -> None:
    text = json.dumps(mesh_stack(S3, "1.30.3", tmp_path)["data"])
    for word in ("secret", "token", "access_key", "password"):
        assert word not in text.lower()

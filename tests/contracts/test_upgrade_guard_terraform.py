"""The upgrade guard under the real Terraform, offline.

The guard uses only Terraform builtins (terraform_data, terraform_remote_state,
the local backend), so the synthesized mesh stack runs without any provider
download once its releases are swapped for stand-ins (tests/terraform_harness.py).
Apply at one Istio version, then plan at others.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import config_from, synthesize
from terraform_harness import Project, unwrapped
from istio_mesh.components.upgrade_guard import VERSIONS_OUTPUT, InstalledVersions, UpgradeGuard
from istio_mesh.stacks.state import local_state, previous_outputs
from istio_mesh.runtime.terraform import App, HelmProvider, HelmRelease, TerraformStack


STACK = "prod-mesh"


def mesh_stack(version: str, tmp_path: Path) -> dict[str, Any]:
    outdir = tmp_path / f"synth-{version}"
    synthesize({"prod": config_from(f"istio: {{version: '{version}'}}")}, outdir)
    return json.loads((outdir / "stacks" / STACK / "cdk.tf.json").read_text())


def refusal(previous: str, version: str) -> str:
    return (f'Istio release "istiod" is at {previous} since the last apply; changing it in place '
            f"to {version} crosses more than one minor version, which Istio does not support. Move "
            f"one minor version per apply, or install {version} as a new revision beside the "
            "running control plane and move workloads to it (revision-based upgrade, "
            "https://istio.io/latest/docs/setup/upgrade/helm/).")


def test_terraform_refuses_a_jump_of_two_minors_at_plan_time(tmp_path: Path) -> None:
    project = Project(tmp_path / "project", STACK)
    project.write(mesh_stack("1.28.2", tmp_path))
    project.succeed("init")
    project.succeed("apply", "-auto-approve")  # first install: nothing to compare with
    assert json.loads(project.succeed("output", "-json", VERSIONS_OUTPUT)) == {"istiod": "1.28.2"}

    project.write(mesh_stack("1.30.3", tmp_path))
    plan = project.terraform("plan")
    assert plan.returncode == 1
    assert "Error: Resource precondition failed" in plan.stderr
    assert refusal("1.28.2", "1.30.3") in unwrapped(plan.stderr)

    project.write(mesh_stack("1.29.1", tmp_path))
    project.succeed("plan")  # one minor: allowed

    project.write(mesh_stack("1.30.3", tmp_path))
    project.succeed("plan", "-destroy")  # never blocks a destroy

    project.write(mesh_stack("1.26.0", tmp_path))
    assert refusal("1.28.2", "1.26.0") in unwrapped(project.terraform("plan").stderr)


def test_after_each_one_minor_step_the_next_step_is_allowed(tmp_path: Path) -> None:
    project = Project(tmp_path / "project", STACK)
    project.write(mesh_stack("1.28.2", tmp_path))
    project.succeed("init")
    project.succeed("apply", "-auto-approve")
    project.write(mesh_stack("1.29.1", tmp_path))
    project.succeed("apply", "-auto-approve")
    project.write(mesh_stack("1.30.3", tmp_path))
    project.succeed("plan")


def revision_stack(releases: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    """A stack with one guarded control-plane release per revision, built from
    the constructs as a library user would, like the mesh stack does for istiod."""
    outdir = tmp_path / ("synth-" + "-".join(sorted(releases)))
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, STACK)
    local_state(stack, STACK)
    HelmProvider(stack, "helm")
    previous = previous_outputs(stack, STACK, defaults={VERSIONS_OUTPUT: {}})
    installed = InstalledVersions(stack, "installed", previous_versions=previous.get(VERSIONS_OUTPUT))
    for name, version in sorted(releases.items()):
        release = HelmRelease(stack, name, name=name, chart="istiod", version=version)
        release.override_logical_id(name)
        UpgradeGuard(stack, f"guard-{name}", release=release, version=version, installed=installed)
    app.synth()
    return json.loads((outdir / "stacks" / STACK / "cdk.tf.json").read_text())


def test_a_new_revision_is_fine_and_each_revision_is_guarded_on_its_own(tmp_path: Path) -> None:
    project = Project(tmp_path / "project", STACK)
    project.write(revision_stack({"istiod-1-28-2": "1.28.2"}, tmp_path))
    project.succeed("init")
    project.succeed("apply", "-auto-approve")

    # A second control plane at 1.30.3 beside the running one: allowed.
    project.write(revision_stack({"istiod-1-28-2": "1.28.2", "istiod-1-30-3": "1.30.3"}, tmp_path))
    project.succeed("apply", "-auto-approve")

    # Changing the old revision's release in place by two minors: refused.
    project.write(revision_stack({"istiod-1-28-2": "1.30.3", "istiod-1-30-3": "1.30.3"}, tmp_path))
    plan = project.terraform("plan")
    assert plan.returncode == 1
    assert unwrapped(plan.stderr).count("Error: Resource precondition failed") == 1
    assert ('Istio release "istiod-1-28-2" is at 1.28.2 since the last apply; changing it in '
            "place to 1.30.3") in unwrapped(plan.stderr)

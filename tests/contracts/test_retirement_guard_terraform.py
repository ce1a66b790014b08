"""The revision retirement guard under the real Terraform, offline.

The canary runbook's step 4 is applied (both revisions installed), then step
5, which removes 1-29-6 and names it in retiredRevisions, is planned while
the stand-ins of the guard's three lists (namespaces, pods, tag webhooks)
report what the cluster holds (tests/terraform_harness.py). Terraform reads
them at plan time and the guard's precondition fails the plan, so the
release (here its terraform_data stand-in) is never destroyed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from conftest import REPO, synthesize
from terraform_harness import Project, unwrapped
from istio_mesh.config.loader import load_config
from istio_mesh.config.cluster import MeshConfig

STACK = "prod-mesh"
RUNBOOK = REPO / "examples" / "upgrade-runbook"
NAMESPACES = "istiod-1-29-6-retirement-namespaces"
PODS = "istiod-1-29-6-retirement-pods"
TAGS = "istiod-1-29-6-retirement-tags"
NEXT = ("Next: point each namespace at a revision or tag that stays (its namespaces[].revision here, "
        "or kubectl label namespace NAME istio.io/rev=TAG --overwrite), move the tags (revisionTags) "
        "in an apply before this one, restart the workloads (kubectl -n NAMESPACE rollout restart "
        "deployment) so the new revision injects them, and plan again. To remove it anyway, set "
        "retiredRevisions[].allowInUse.reason.")


def step(number: int, tmp_path: Path, edit: dict[str, Any] | None = None) -> dict[str, Any]:
    """Runbook step ``number`` synthesized as cluster ``prod``, top-level keys replaced by ``edit``."""
    source = RUNBOOK / f"upgrade-step-{number}.yaml"
    data = yaml.safe_load(source.read_text())
    data.update(edit or {})
    edited = tmp_path / f"step-{number}-{len(list(tmp_path.glob('step-*')))}.yaml"
    edited.write_text(yaml.safe_dump(data))
    config: MeshConfig = load_config(edited)
    outdir = tmp_path / f"synth-{edited.stem}"
    synthesize({"prod": config}, outdir)
    stack: dict[str, Any] = json.loads((outdir / "stacks" / STACK / "cdk.tf.json").read_text())
    return stack


def namespace(name: str, rev: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": {"istio.io/rev": rev}}}


def pod(ns: str, name: str) -> dict[str, Any]:
    return {"metadata": {"namespace": ns, "name": name, "labels": {"istio.io/rev": "1-29-6"}}}


def tag_webhook(tag: str) -> dict[str, Any]:
    return {"metadata": {"name": f"istio-revision-tag-{tag}",
                         "labels": {"istio.io/tag": tag, "istio.io/rev": "1-29-6"}}}


def applied_step_4(tmp_path: Path) -> Project:
    project = Project(tmp_path / "project", STACK)
    project.write(step(4, tmp_path))
    project.succeed("init")
    project.succeed("apply", "-auto-approve")
    return project


def refusal(namespaces: str, pods: str, tags: str) -> str:
    return ('Istio revision "1-29-6" is still in use, so the plan does not destroy its istiod release '
            f'"istiod-1-29-6". Namespaces labelled istio.io/rev with it or one of its tags: {namespaces}. '
            f"Pods it injected, per namespace: {pods}. Revision tags still pointing at it: {tags}. " + NEXT)


def test_step_5_refuses_while_a_namespace_is_still_on_the_old_revision(tmp_path: Path) -> None:
    project = applied_step_4(tmp_path)
    project.write(step(5, tmp_path), {NAMESPACES: [namespace("legacy-billing", "1-29-6"),
                                                   namespace("checkout", "prod-canary")]})
    plan = project.terraform("plan")
    assert plan.returncode == 1
    assert "Error: Resource precondition failed" in plan.stderr
    assert refusal("legacy-billing", "none", "none") in unwrapped(plan.stderr)
    # A plan with an error cannot be applied: apply stops at the same refusal
    # and the old release is still in the state.
    apply = project.terraform("apply", "-auto-approve")
    assert apply.returncode == 1 and refusal("legacy-billing", "none", "none") in unwrapped(apply.stderr)
    assert "terraform_data.istiod-1-29-6\n" in project.succeed("state", "list")


def test_step_5_names_pods_per_namespace_and_tags_still_on_the_old_revision(tmp_path: Path) -> None:
    project = applied_step_4(tmp_path)
    project.write(step(5, tmp_path), {
        NAMESPACES: [namespace("shop", "prod-stable"), namespace("checkout", "prod-canary")],
        PODS: [pod("shop", "cart-1"), pod("shop", "cart-2"), pod("checkout", "pay-1")],
        TAGS: [tag_webhook("prod-stable")],
    })
    plan = project.terraform("plan")
    assert plan.returncode == 1
    # shop is labelled with a tag that (live) still points at 1-29-6; checkout's tag does not.
    assert refusal("shop", "checkout: 1, shop: 2", "prod-stable") in unwrapped(plan.stderr)


def test_step_5_proceeds_when_nothing_uses_the_old_revision(tmp_path: Path) -> None:
    project = applied_step_4(tmp_path)
    project.write(step(5, tmp_path), {NAMESPACES: [namespace("shop", "prod-stable"),
                                                   namespace("checkout", "prod-canary")]})
    plan = project.succeed("plan")
    assert "terraform_data.istiod-1-29-6 will be destroyed" in plan
    project.succeed("apply", "-auto-approve")
    assert json.loads(project.succeed("output", "-json", "istio_control_plane_versions")) == {
        "istiod-1-30-3": "1.30.3"}


def test_the_reasoned_override_proceeds_while_in_use(tmp_path: Path) -> None:
    project = applied_step_4(tmp_path)
    override = {"retiredRevisions": [{"name": "1-29-6", "allowInUse": {
        "reason": "legacy-billing is decommissioned tomorrow; its traffic is already drained"}}]}
    stack = step(5, tmp_path, override)
    assert "kubernetes_resources" not in json.dumps(stack.get("data", {}))
    project.write(stack)
    assert "terraform_data.istiod-1-29-6 will be destroyed" in project.succeed("plan")


def test_removing_a_revision_without_retiring_it_is_refused(tmp_path: Path) -> None:
    project = applied_step_4(tmp_path)
    project.write(step(5, tmp_path, {"retiredRevisions": []}))
    plan = project.terraform("plan")
    assert plan.returncode == 1
    assert ("Istio release(s) istiod-1-29-6 ran after the last apply and are not in this config. "
            "Name each removed revision in retiredRevisions (e.g. retiredRevisions: [{name: 1-29-6}]) "
            "so the plan first checks that no namespace, pod or revision tag still uses it."
            ) in unwrapped(plan.stderr)

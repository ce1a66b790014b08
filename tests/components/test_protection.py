"""Destroy safety: reverse-order removal, kept CRDs, and the opt-in refusal to destroy.

Terraform destroys a resource only after everything that depends on it, so
the release dependency graph is the destroy order read backwards; the
policies stack depends on the mesh stack, so the cdktf CLI destroys it first
(and refuses to destroy the mesh stack alone while the policies stack exists).
"""

from __future__ import annotations

import json
import re
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import pytest

from conftest import FULL_FIXTURES, SHIPPED, Synth, config_from, helm_releases, synthesize
from terraform_harness import Project, unwrapped

CONFIGS = SHIPPED + FULL_FIXTURES


def release_graph(stack: dict[str, Any]) -> dict[str, set[str]]:
    """Release -> the releases it depends on, directly or through a guard."""
    resources = {f"{kind}.{name}": body
                 for kind, items in stack["resource"].items() for name, body in items.items()}

    def upstream(address: str) -> set[str]:
        found: set[str] = set()
        for dep in resources[address].get("depends_on", []):
            found |= {dep} if dep.startswith("helm_release.") else upstream(dep)
        return found

    return {a.removeprefix("helm_release."): {d.removeprefix("helm_release.") for d in upstream(a)}
            for a in resources if a.startswith("helm_release.")}


def destroy_order(graph: dict[str, set[str]]) -> list[str]:
    return list(reversed(list(TopologicalSorter(graph).static_order())))


@pytest.mark.parametrize("name", CONFIGS)
def test_every_release_is_destroyed_before_the_base_release(synth: Synth, name: str) -> None:
    graph = release_graph(synth.stack(f"{name}-mesh"))
    order = destroy_order(graph)
    assert order[-1] == "istio-base"
    for release, upstream in graph.items():
        for dependency in upstream:
            assert order.index(release) < order.index(dependency), (release, dependency)


def test_prod_is_destroyed_gateways_istiod_cni_base(synth: Synth) -> None:
    order = destroy_order(release_graph(synth.stack("prod-mesh")))
    assert sorted(order[:2]) == ["istio-egressgateway", "istio-ingressgateway"]
    assert order[2:] == ["istiod", "istio-cni", "istio-base"]


@pytest.mark.parametrize("name", CONFIGS)
def test_the_policies_stack_goes_first(synth: Synth, name: str) -> None:
    assert synth.manifest()["stacks"][f"{name}-policies"]["dependencies"] == [f"{name}-mesh"]


def test_prod_refuses_to_destroy_its_base_release(synth: Synth) -> None:
    releases = helm_releases(synth.stack("prod-mesh"))
    assert releases["istio-base"]["lifecycle"] == {"prevent_destroy": True}
    assert [n for n, r in releases.items() if "lifecycle" in r] == ["istio-base"]


def test_prod_refuses_to_destroy_its_policies_stack(synth: Synth) -> None:
    # cdktf destroys the policies stack first: without this, created
    # namespaces (and their workloads) would go before the base release's
    # prevent_destroy stopped the mesh stack.
    resources = synth.stack("prod-policies")["resource"]
    assert resources["terraform_data"]["destroy-protection"]["lifecycle"] == {"prevent_destroy": True}


@pytest.mark.parametrize("name", ["dev", "staging"])
def test_without_protection_nothing_is_locked(synth: Synth, name: str) -> None:
    assert all("lifecycle" not in r for r in helm_releases(synth.stack(f"{name}-mesh")).values())
    assert "terraform_data" not in synth.stack(f"{name}-policies")["resource"]


def test_protection_is_off_unless_asked_for() -> None:
    assert config_from("{}").protection.prevent_destroy is False
    assert config_from("protection: {preventDestroy: true}").protection.prevent_destroy is True


def test_an_unknown_protection_key_is_refused() -> None:
    from istio_mesh.config.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        config_from("protection: {preventDelete: true}")
    assert str(caught.value) == (
        "test.yaml: protection.preventDelete: unknown key; allowed keys: preventDestroy "
        "(did you mean 'preventDestroy'?)")


def test_the_base_chart_keeps_its_crds_on_uninstall(reference: Path) -> None:
    # What destroy leaves: the base chart renders files/crd-all.gen.yaml, and
    # every CRD in it is annotated helm.sh/resource-policy: keep.
    text = (reference / "base" / "files" / "crd-all.gen.yaml").read_text()
    names = re.findall(r"^  name: (\S+\.istio\.io)$", text, re.M)
    assert len(names) == 15
    assert text.count('"helm.sh/resource-policy": keep') == 15


# ------------------------------------------------------------ real Terraform


def mesh_stack(text: str, tmp_path: Path, label: str, kind: str = "mesh") -> dict[str, Any]:
    outdir = tmp_path / label
    synthesize({"prod": config_from(text)}, outdir)
    return json.loads((outdir / "stacks" / f"prod-{kind}" / "cdk.tf.json").read_text())


PROD_LIKE = """
cni: {enabled: true}
gateways:
  - {name: istio-ingressgateway, kind: ingress}
  - {name: istio-egressgateway, kind: egress}
"""


def test_terraform_destroys_in_reverse_order(tmp_path: Path) -> None:
    project = Project(tmp_path / "project", "prod-mesh")
    project.write(mesh_stack(PROD_LIKE, tmp_path, "unprotected"))
    project.succeed("init")
    project.succeed("apply", "-auto-approve")
    output = project.succeed("destroy", "-auto-approve", "-parallelism=1")
    destroyed = re.findall(r"^terraform_data\.([\w-]+): Destruction complete", output, re.M)
    releases = [d for d in destroyed if not d.endswith(("-upgrade-guard", "-removal-guard"))]
    assert sorted(releases[:2]) == ["istio-egressgateway", "istio-ingressgateway"]
    assert releases[2:] == ["istiod", "istio-cni", "istio-base"]


def test_terraform_refuses_to_destroy_a_protected_mesh(tmp_path: Path) -> None:
    project = Project(tmp_path / "project", "prod-mesh")
    project.write(mesh_stack(PROD_LIKE + "protection: {preventDestroy: true}\n", tmp_path, "protected"))
    project.succeed("init")
    project.succeed("apply", "-auto-approve")
    plan = project.terraform("plan", "-destroy")
    assert plan.returncode == 1
    assert unwrapped(plan.stderr).count("Error: Instance cannot be destroyed") == 1
    assert (
        "Resource terraform_data.istio-base has lifecycle.prevent_destroy set, but the plan "
        "calls for this resource to be destroyed."
    ) in unwrapped(plan.stderr)
    state = json.loads(project.succeed("show", "-json"))
    managed = [r for r in state["values"]["root_module"]["resources"] if r["mode"] == "managed"]
    assert len(managed) == 7  # 5 releases, the upgrade guard and the removal guard


def test_terraform_refuses_to_destroy_a_protected_policies_stack(tmp_path: Path) -> None:
    project = Project(tmp_path / "project", "prod-policies")
    text = "namespaces: [{name: shop, create: true}]\nprotection: {preventDestroy: true}\n"
    project.write(mesh_stack(text, tmp_path, "policies", kind="policies"))
    project.succeed("init")
    project.succeed("apply", "-auto-approve")
    plan = project.terraform("plan", "-destroy")
    assert plan.returncode == 1
    assert (
        "Resource terraform_data.destroy-protection has lifecycle.prevent_destroy set, but the "
        "plan calls for this resource to be destroyed."
    ) in unwrapped(plan.stderr)

"""IstioMesh (components/mesh.py), with IstioPolicies beside it: the plan
rendered in a consumer's stack, with the providers the consumer passes."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import config_from, fresh_stack, synth_stack, without_metadata

SECURE = """
ca: {mode: plugin}
cni: {enabled: true}
revisions: [{name: blue}]
revisionTags: {stable: blue}
defaultRevision: stable
gateways: [{name: edge, kind: ingress}]
namespaces: [{name: shop, create: true}]
authorization:
  defaultDeny: true
  allow: [{name: web, namespace: shop, from: {namespaces: [shop]}}]
"""


def _providers(out: dict[str, Any]) -> dict[str, str | None]:
    return {
        f"{kind}.{name}": body.get("provider")
        for kind, named in out.get("resource", {}).items()
        for name, body in named.items()
    }


def test_every_resource_uses_the_providers_passed_down() -> None:
    from istio_mesh.components import IstioMesh, IstioPolicies
    from istio_mesh.plan import cluster_plan
    from istio_mesh.runtime.terraform import HelmProvider, KubernetesProvider

    plan = cluster_plan(config_from(SECURE))
    stack = fresh_stack()
    helm = HelmProvider(stack, "helm", alias="target")
    kubernetes = KubernetesProvider(stack, "kubernetes", alias="target")
    IstioMesh(stack, "istio", plan=plan, provider=helm, kubernetes_provider=kubernetes)
    IstioPolicies(stack, "policies", plan=plan, provider=kubernetes)
    providers = _providers(synth_stack(stack))
    assert {a: p for a, p in providers.items() if a.startswith("helm_release.")} == {
        "helm_release.istio-base": "helm.target",
        "helm_release.istio-cni": "helm.target",
        "helm_release.istiod-blue": "helm.target",
        "helm_release.edge": "helm.target",
    }
    others = {p for a, p in providers.items() if not a.startswith("helm_release.")}
    assert others == {"kubernetes.target"}
    assert len(providers) == 4 + 1 + 2 * 2 + 1 + 1 + 2  # releases, cacerts, 2 tags x 2, ns, PA, 2 authz


def test_without_providers_the_stacks_defaults_are_used() -> None:
    from istio_mesh.components import IstioMesh

    stack = fresh_stack()
    IstioMesh.from_config(stack, "istio", config=config_from(SECURE))
    out = synth_stack(stack)
    assert set(_providers(out).values()) == {None}
    # The plug-in CA's write-only data needs Terraform 1.11.
    assert out["terraform"]["required_version"] == ">= 1.11"


def test_the_mesh_renders_its_plan_in_order_and_waits_as_the_plan_says() -> None:
    from istio_mesh.components import IstioMesh

    stack = fresh_stack()
    mesh = IstioMesh.from_config(stack, "istio", config=config_from(SECURE))
    resources = synth_stack(stack)["resource"]
    for item in mesh.plan.mesh.items:
        kind, name = item.address.split(".", 1)
        assert resources[kind][name].get("depends_on", []) == list(item.after), item.address
    assert [r.friendly_unique_id for r in mesh.releases] == ["istio-base", "istio-cni", "istiod-blue", "edge"]
    assert mesh.istiod is mesh.default_istiod is mesh.istiods["blue"]


def test_the_outputs_are_the_plans_outputs_and_nothing_else() -> None:
    from dataclasses import replace

    from istio_mesh.components import IstioMesh
    from istio_mesh.plan import MeshOutput, cluster_plan

    plan = replace(cluster_plan(config_from(SECURE)), outputs=(MeshOutput("mesh_id", "from-the-plan", "d"),))
    mesh = IstioMesh(fresh_stack(), "istio", plan=plan)
    assert mesh.outputs == {"mesh_id": "from-the-plan"}


def test_from_config_renders_what_the_configs_plan_renders() -> None:
    from istio_mesh.components import IstioMesh
    from istio_mesh.plan import cluster_plan

    by_plan, by_config = fresh_stack(), fresh_stack()
    IstioMesh(by_plan, "istio", plan=cluster_plan(config_from(SECURE)))
    mesh = IstioMesh.from_config(by_config, "istio", config=config_from(SECURE))
    assert isinstance(mesh, IstioMesh)
    assert without_metadata(synth_stack(by_config)) == without_metadata(synth_stack(by_plan))


def test_asking_for_the_default_istiod_of_a_mesh_without_one_names_the_construct() -> None:
    from istio_mesh.components import IstioMesh

    mesh = IstioMesh.from_config(fresh_stack(), "istio", config=config_from("revisions: [{name: blue}]"))
    assert mesh.istiod is mesh.istiods["blue"]
    with pytest.raises(ValueError, match=r"^test/istio: the config has no default revision$"):
        mesh.default_istiod  # noqa: B018

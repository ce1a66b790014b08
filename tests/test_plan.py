"""The mesh plan of one cluster (istio_mesh.plan): ``cluster_plan`` puts the
mesh stack's plan, the policies stack's and the stack outputs side by side,
from one config. This file checks what a minimal and a fuller config plan,
in order, and that the plan is frozen data."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import config_from
from istio_mesh.plan import ClusterPlan, HelmReleaseItem, ManifestItem, NamespaceItem, cluster_plan


def test_a_minimal_config_plans_base_then_istiod_and_the_root_peer_authentication() -> None:
    plan = cluster_plan(config_from("{}"))
    assert [item.address for item in plan.mesh.items] == ["helm_release.istio-base", "helm_release.istiod"]
    assert [item.address for item in plan.policies.items] == [
        "kubernetes_manifest.peer_authentication_istio-system"]


def test_the_outputs_are_the_stack_outputs_of_the_mesh() -> None:
    plan = cluster_plan(config_from("{}"))
    assert {output.name: output.value for output in plan.outputs} == {
        "ingress_gateways": {}, "istiod_revisions": ["default"],
        "mesh_id": "cluster.local", "root_namespace": "istio-system"}


def test_a_gateway_and_a_namespace_join_the_stack_they_belong_to() -> None:
    plan = cluster_plan(config_from(
        "gateways: [{name: in, kind: ingress}]\nnamespaces: [{name: shop, create: true}]\n"))
    releases = [item for item in plan.mesh.items if isinstance(item, HelmReleaseItem)]
    assert [r.name for r in releases] == ["istio-base", "istiod", "in"]
    assert [item.address for item in plan.policies.items if isinstance(item, NamespaceItem)] == [
        "kubernetes_namespace_v1.shop"]
    assert {output.name: output.value for output in plan.outputs}["ingress_gateways"] == {
        "in": {"namespace": "istio-ingress", "service": "in"}}


def test_every_policy_item_is_a_namespace_or_a_manifest() -> None:
    plan = cluster_plan(config_from("namespaces: [{name: shop, create: true}]\nmtls: {mode: STRICT}\n"))
    assert all(isinstance(item, (NamespaceItem, ManifestItem)) for item in plan.policies.items)


def test_the_same_config_plans_equal_plans() -> None:
    text = "gateways: [{name: in, kind: ingress}]\n"
    assert cluster_plan(config_from(text)) == cluster_plan(config_from(text))


def test_a_plan_is_frozen() -> None:
    plan = cluster_plan(config_from("{}"))
    assert isinstance(plan, ClusterPlan)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.outputs = ()  # type: ignore[misc]


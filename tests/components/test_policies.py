"""IstioPolicies (components/policies.py): the policies part of a cluster's
plan, rendered in plan order, each object after what its item names."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import config_from, fresh_stack, synth_stack, without_metadata

SMALL = """
namespaces: [{name: shop, create: true}, {name: legacy}]
authorization:
  defaultDeny: true
  allow: [{name: web, namespace: shop, from: {namespaces: [shop]}}]
"""


def test_a_small_config_gives_its_namespaces_mtls_policy_and_authorization() -> None:
    from istio_mesh.components import IstioPolicies
    from istio_mesh.plan import cluster_plan

    stack = fresh_stack()
    IstioPolicies(stack, "policies", plan=cluster_plan(config_from(SMALL)))
    resources = synth_stack(stack)["resource"]
    assert {kind: sorted(named) for kind, named in resources.items()} == {
        "kubernetes_namespace_v1": ["shop"],
        "kubernetes_labels": ["legacy"],
        "kubernetes_manifest": [
            "authorization_policy_istio-system_allow-nothing",
            "authorization_policy_shop_web",
            "peer_authentication_istio-system",
        ],
    }
    assert resources["kubernetes_namespace_v1"]["shop"]["metadata"]["name"] == "shop"
    assert resources["kubernetes_labels"]["legacy"]["metadata"] == {"name": "legacy"}
    manifests = resources["kubernetes_manifest"]
    assert manifests["peer_authentication_istio-system"]["manifest"] == {
        "apiVersion": "security.istio.io/v1",
        "kind": "PeerAuthentication",
        "metadata": {"name": "default", "namespace": "istio-system"},
        "spec": {"mtls": {"mode": "PERMISSIVE"}},
    }
    # The mesh-wide default deny: an ALLOW policy without rules.
    assert manifests["authorization_policy_istio-system_allow-nothing"]["manifest"]["spec"] == {"action": "ALLOW"}


def test_objects_are_rendered_in_plan_order_and_wait_for_what_they_follow() -> None:
    from istio_mesh.components import IstioPolicies
    from istio_mesh.plan import cluster_plan

    stack = fresh_stack()
    policies = IstioPolicies(stack, "policies", plan=cluster_plan(config_from(SMALL)))
    assert list(policies.namespaces) == ["shop", "legacy"]
    assert [p.item.name for p in policies.peer_authentications] == ["peer_authentication_istio-system"]
    # The allow rule first, the default deny last: no apply refuses allowed traffic.
    assert [r.friendly_unique_id for r in policies.authorization.resources] == [
        "authorization_policy_shop_web",
        "authorization_policy_istio-system_allow-nothing",
    ]
    manifests = synth_stack(stack)["resource"]["kubernetes_manifest"]
    assert "depends_on" not in manifests["peer_authentication_istio-system"]
    assert manifests["authorization_policy_shop_web"]["depends_on"] == ["kubernetes_namespace_v1.shop"]
    assert manifests["authorization_policy_istio-system_allow-nothing"]["depends_on"] == [
        "kubernetes_manifest.authorization_policy_shop_web"
    ]


def test_a_plan_out_of_order_is_refused_naming_the_construct() -> None:
    from istio_mesh.components import IstioPolicies
    from istio_mesh.plan import cluster_plan

    plan = cluster_plan(config_from(SMALL))
    deny_first = replace(
        plan, policies=replace(plan.policies, authorization=tuple(reversed(plan.policies.authorization)))
    )
    with pytest.raises(
        ValueError,
        match=r"^test/policies: rendered out of plan order: "
        r"kubernetes_manifest.authorization_policy_shop_web not rendered yet$",
    ):
        IstioPolicies(fresh_stack(), "policies", plan=deny_first)


def test_from_config_renders_what_the_configs_plan_renders() -> None:
    from istio_mesh.components import IstioPolicies
    from istio_mesh.plan import cluster_plan

    by_plan, by_config = fresh_stack(), fresh_stack()
    IstioPolicies(by_plan, "policies", plan=cluster_plan(config_from(SMALL)))
    policies = IstioPolicies.from_config(by_config, "policies", config=config_from(SMALL))
    assert isinstance(policies, IstioPolicies)
    assert without_metadata(synth_stack(by_config)) == without_metadata(synth_stack(by_plan))

"""The policies plan (istio_mesh.plan.policies): namespaces first, then each
Istio object after the namespace it lives in. Pure Python, literal expectations."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.plan import policies_plan

ONBOARDING = """
namespaces:
  - {name: shop, create: true}
  - {name: legacy, injection: false}
mtls:
  mode: STRICT
  namespaceOverrides: {legacy: PERMISSIVE, elsewhere: DISABLE}
"""


def test_namespaces_come_first_and_policies_wait_for_the_ones_this_stack_onboards() -> None:
    plan = policies_plan(config_from(ONBOARDING))
    assert [(item.address, item.after) for item in plan.items] == [
        ("kubernetes_namespace_v1.shop", ()),
        ("kubernetes_labels.legacy", ()),
        ("kubernetes_manifest.peer_authentication_istio-system", ()),
        ("kubernetes_manifest.peer_authentication_elsewhere", ()),
        ("kubernetes_manifest.peer_authentication_legacy", ("kubernetes_labels.legacy",)),
    ]
    shop, legacy = plan.namespaces
    assert dict(shop.labels) == {"istio-injection": "enabled"}
    assert dict(legacy.labels) == {"istio-injection": "disabled"}
    assert shop.field_manager == legacy.field_manager == "istio-mesh"


def test_the_mesh_wide_peer_authentication_is_in_the_root_namespace_and_permissive_by_default() -> None:
    (mesh_wide,) = policies_plan(config_from("{}")).peer_authentications
    assert dict(mesh_wide.manifest) == {
        "apiVersion": "security.istio.io/v1",
        "kind": "PeerAuthentication",
        "metadata": {"name": "default", "namespace": "istio-system"},
        "spec": {"mtls": {"mode": "PERMISSIVE"}},
    }


DENY = """
namespaces:
  - {name: shop, create: true}
authorization:
  defaultDeny: true
  allow:
    - name: web
      namespace: shop
      from: {namespaces: [shop]}
"""


def test_default_deny_comes_after_every_allow() -> None:
    plan = policies_plan(config_from(DENY))
    assert [(item.address, item.after) for item in plan.authorization] == [
        ("kubernetes_manifest.authorization_policy_shop_web", ("kubernetes_namespace_v1.shop",)),
        (
            "kubernetes_manifest.authorization_policy_istio-system_allow-nothing",
            ("kubernetes_manifest.authorization_policy_shop_web",),
        ),
    ]


def test_ambient_namespaces_get_a_waypoint_after_the_namespace() -> None:
    plan = policies_plan(config_from(
        "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"
        "namespaces: [{name: store, create: true, dataplane: ambient, waypoint: true}]"
    ))
    (waypoint,) = plan.waypoints
    assert (waypoint.address, waypoint.after) == (
        "kubernetes_manifest.waypoint_store", ("kubernetes_namespace_v1.store",),
    )
    assert dict(plan.namespaces[0].labels) == {
        "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint",
    }


def test_extra_resources_are_addressed_apart_from_generated_ones() -> None:
    plan = policies_plan(config_from(
        "extraResources:\n"
        "  - apiVersion: networking.istio.io/v1\n    kind: VirtualService\n"
        "    metadata: {name: canary, namespace: shop}\n    spec: {hosts: [web]}\n"
    ))
    (extra,) = plan.extra_resources
    assert extra.address == "kubernetes_manifest.extra_virtual_service_shop_canary"
    assert extra.after == ()

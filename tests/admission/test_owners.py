"""One owner per object and per Terraform address (istio_mesh.admission.owners):
two entries (or an entry and an object a chart or Istio creates from another
entry) that produce one Kubernetes object, two plan items at one address, or
two Telemetries without a selector in one namespace are refused with both
fields named. This file checks each of the three checks on an admitted config
and on a clash, with configs from YAML and, for clashes no valid config can
produce, a plan with one item added."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import yaml

from conftest import FIXTURES, config_from
from istio_mesh.admission.owners import address_clashes, object_clashes, telemetry_clashes
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan import ClusterPlan, ManifestItem, cluster_plan

INGRESS: dict[str, Any] = yaml.safe_load((FIXTURES / "full" / "gateway-api-ingress.yaml").read_text())
"""Gateway ``web`` (gateway-api, namespace istio-ingress; routes storefront in
shop and status), chart gateway istio-egressgateway, namespace shop."""

AMBIENT = """
environment: development
connection: {mode: kubeconfig, context: dev}
istio: {profile: ambient}
cni: {enabled: true}
ztunnel: {enabled: true}
namespaces:
  - {name: shop, create: true, dataplane: ambient, waypoint: true}
"""


def _loaded(data: dict[str, Any]) -> tuple[MeshConfig, ClusterPlan]:
    config = config_from(yaml.safe_dump(data))
    return config, cluster_plan(config)


def _ingress_with(mutate: Any) -> tuple[MeshConfig, ClusterPlan]:
    data = copy.deepcopy(INGRESS)
    mutate(data)
    return _loaded(data)


def _telemetry(name: str, namespace: str, **spec: Any) -> ManifestItem:
    return ManifestItem(f"telemetry_{namespace}_{name}", {
        "apiVersion": "telemetry.istio.io/v1", "kind": "Telemetry",
        "metadata": {"name": name, "namespace": namespace}, "spec": spec})


# -- address_clashes ------------------------------------------------------------------


def test_an_admitted_config_has_no_address_clashes() -> None:
    config, plan = _loaded(INGRESS)
    assert address_clashes(config, plan) == []


def test_two_different_objects_at_one_address_are_refused_with_both_fields() -> None:
    config, plan = _loaded(INGRESS)
    policy = plan.policies.authorization[0].manifest
    clash = ManifestItem("gateway_istio-ingress_web", policy)
    plan = replace(plan, policies=replace(plan.policies, sidecars=(clash,)))
    assert address_clashes(config, plan) == [
        "authorization: produces the policies stack's Terraform resource "
        "kubernetes_manifest.gateway_istio-ingress_web, as gateways[0] does; "
        "each needs its own name or namespace"
    ]


def test_one_release_planned_twice_is_refused_as_twice() -> None:
    config, plan = _loaded(INGRESS)
    istiod = plan.mesh.istiods["default"]
    plan = replace(plan, mesh=replace(plan.mesh, items=(*plan.mesh.items, istiod)))
    assert address_clashes(config, plan) == [
        "istiod: produces the mesh stack's Terraform resource helm_release.istiod twice; "
        "each needs its own name or namespace"
    ]


def test_one_object_twice_at_one_address_is_left_to_the_object_check() -> None:
    def twin(data: dict[str, Any]) -> None:
        gateway = copy.deepcopy(data["gateways"][0])
        gateway["name"] = "web2"
        data["gateways"].insert(1, gateway)

    config, plan = _ingress_with(twin)
    assert address_clashes(config, plan) == []
    assert len(object_clashes(config, plan)) == 2


# -- object_clashes -------------------------------------------------------------------


def test_an_admitted_config_has_no_object_clashes() -> None:
    config, plan = _loaded(INGRESS)
    assert object_clashes(config, plan) == []


def test_two_routes_producing_one_httproute_are_refused_with_both_entries() -> None:
    def twin(data: dict[str, Any]) -> None:
        gateway = copy.deepcopy(data["gateways"][0])
        gateway["name"] = "web2"
        data["gateways"].insert(1, gateway)

    config, plan = _ingress_with(twin)
    assert object_clashes(config, plan) == [
        "gateways[0].routes[0]: produces HTTPRoute shop/storefront (gateway.networking.k8s.io), "
        "as gateways[1].routes[0] does; one object can have only one owner: rename one of them",
        "gateways[0].routes[1]: produces HTTPRoute istio-ingress/status (gateway.networking.k8s.io), "
        "as gateways[1].routes[1] does; one object can have only one owner: rename one of them",
    ]


def test_a_chart_gateway_named_like_a_gateway_api_workload_is_refused_with_both_namings() -> None:
    config, plan = _ingress_with(lambda d: d["gateways"].append(
        {"name": "web-istio", "kind": "ingress", "namespace": "istio-ingress"}))
    why = ("(Istio names a Gateway's workload <gateway>-istio; the gateway chart names its "
           "workload after the release); one object can have only one owner: rename one of them")
    assert object_clashes(config, plan) == [
        f"gateways[0]: produces Deployment istio-ingress/web-istio (apps), as gateways[2] does {why}",
        f"gateways[0]: produces Service istio-ingress/web-istio, as gateways[2] does {why}",
        f"gateways[0]: produces ServiceAccount istio-ingress/web-istio, as gateways[2] does {why}",
    ]


def test_a_chart_gateway_named_waypoint_in_a_waypoint_namespace_is_refused() -> None:
    config = config_from(AMBIENT + "gateways:\n  - {name: waypoint, kind: ingress, namespace: shop}\n")
    lines = object_clashes(config, cluster_plan(config))
    assert lines[0] == (
        "gateways[0]: produces Deployment shop/waypoint (apps), as namespaces[0].waypoint does "
        "(the gateway chart names its workload after the release; Istio names a waypoint's "
        "workload after its Gateway, 'waypoint'); one object can have only one owner: rename one of them"
    )
    assert len(lines) == 3


def test_a_waypoint_namespace_alone_has_no_object_clashes() -> None:
    config = config_from(AMBIENT)
    assert object_clashes(config, cluster_plan(config)) == []


# -- telemetry_clashes -------------------------------------------------------------------


def test_one_telemetry_per_namespace_has_no_clash() -> None:
    config, plan = _ingress_with(lambda d: d.setdefault("mesh", {}).update(telemetry={
        "accessLogging": {"disabled": False}, "namespaces": {"shop": {"accessLogging": {"disabled": True}}}}))
    assert len(plan.policies.telemetry) == 2
    assert telemetry_clashes(config, plan) == []


def test_an_override_for_the_root_namespace_is_a_second_telemetry_beside_the_mesh_default() -> None:
    config, plan = _ingress_with(lambda d: d.setdefault("mesh", {}).update(telemetry={
        "accessLogging": {"disabled": False},
        "namespaces": {"istio-system": {"accessLogging": {"disabled": True}}}}))
    assert telemetry_clashes(config, plan) == [
        "mesh.telemetry.namespaces.istio-system: is a second Telemetry without a workload selector "
        "in namespace 'istio-system', beside mesh.telemetry; Istio applies only the oldest one: "
        "merge them or give one a selector"
    ]


def test_a_second_telemetry_with_a_selector_does_not_clash() -> None:
    config, plan = _loaded(INGRESS)
    selected = _telemetry("b", "shop", selector={"matchLabels": {"app": "web"}})
    targeted = _telemetry("c", "shop", targetRefs=[{"kind": "Gateway", "name": "web"}])
    plan = replace(plan, policies=replace(plan.policies, telemetry=(_telemetry("a", "shop"), selected, targeted)))
    assert telemetry_clashes(config, plan) == []

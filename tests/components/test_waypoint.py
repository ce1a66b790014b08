"""Waypoint (components/waypoint.py): an ambient namespace's waypoint, a
Gateway of class ``istio-waypoint``. This file checks the Gateway rendered
after its namespace, and that composing it without the namespace is refused."""

from __future__ import annotations

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import policies_plan

AMBIENT = (
    "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"
    "namespaces: [{name: store, create: true, dataplane: ambient, waypoint: true}]"
)


def test_a_waypoint_is_an_hbone_gateway_in_its_namespace_after_the_namespace() -> None:
    from istio_mesh.components import MeshNamespace, Waypoint

    plan = policies_plan(config_from(AMBIENT))
    (store,) = plan.namespaces
    (item,) = plan.waypoints
    stack = fresh_stack()
    namespace = MeshNamespace(stack, "store", namespace=store)
    Waypoint(stack, "waypoint", item=item, after=[namespace.resource])
    assert synth_stack(stack)["resource"]["kubernetes_manifest"] == {
        "waypoint_store": {
            "manifest": {
                "apiVersion": "gateway.networking.k8s.io/v1",
                "kind": "Gateway",
                "metadata": {"name": "waypoint", "namespace": "store", "labels": {"istio.io/waypoint-for": "service"}},
                "spec": {
                    "gatewayClassName": "istio-waypoint",
                    "listeners": [{"name": "mesh", "port": 15008, "protocol": "HBONE"}],
                },
            },
            "depends_on": ["kubernetes_namespace_v1.store"],
        },
    }


def test_a_waypoint_without_its_namespace_is_refused() -> None:
    from istio_mesh.components import Waypoint

    (item,) = policies_plan(config_from(AMBIENT)).waypoints
    with pytest.raises(
        ValueError,
        match=r"^test/waypoint: manifest 'waypoint_store' comes after kubernetes_namespace_v1.store in the mesh plan; "
        r"pass the construct's resource in after=$",
    ):
        Waypoint(fresh_stack(), "waypoint", item=item)

"""CrossNetworkGateways (components/cross_network.py): the Istio Gateway that
joins this cluster's network to the others' and, on a primary serving
remotes, istiod's Gateway and VirtualService. This file checks both shapes
and that rendering the set twice into one registry is refused."""

from __future__ import annotations

import pytest

from conftest import REPO, config_from, fresh_stack, synth_stack
from istio_mesh.components.upstream import Rendered
from istio_mesh.config.fleet import load_fleet
from istio_mesh.plan import policies_plan

PRIMARY = """
mesh: {meshId: m}
multicluster: {clusterName: east, network: net-east}
gateways: [{name: istio-eastwestgateway, kind: eastwest}]
"""


def test_a_primary_exposes_its_services_through_the_cross_network_gateway() -> None:
    from istio_mesh.components import CrossNetworkGateways

    stack = fresh_stack()
    CrossNetworkGateways(stack, "cross-network", items=policies_plan(config_from(PRIMARY)).cross_network)
    assert synth_stack(stack)["resource"]["kubernetes_manifest"] == {
        "gateway_istio-system_cross-network-gateway": {"manifest": {
            "apiVersion": "networking.istio.io/v1",
            "kind": "Gateway",
            "metadata": {"name": "cross-network-gateway", "namespace": "istio-system"},
            "spec": {
                "selector": {"istio": "eastwestgateway"},
                "servers": [{
                    "hosts": ["*.local"],
                    "port": {"name": "tls", "number": 15443, "protocol": "TLS"},
                    "tls": {"mode": "AUTO_PASSTHROUGH"},
                }],
            },
        }},
    }


def test_a_primary_serving_remotes_also_exposes_istiod() -> None:
    from istio_mesh.components import CrossNetworkGateways

    central = load_fleet(REPO / "config" / "fleets" / "primary-remote.yaml")["central"]
    stack = fresh_stack()
    CrossNetworkGateways(stack, "cross-network", items=policies_plan(central).cross_network)
    manifests = synth_stack(stack)["resource"]["kubernetes_manifest"]
    assert sorted(manifests) == [
        "gateway_istio-system_cross-network-gateway",
        "gateway_istio-system_istiod-gateway",
        "virtual_service_istio-system_istiod-vs",
    ]
    assert [server["port"]["number"] for server in
            manifests["gateway_istio-system_istiod-gateway"]["manifest"]["spec"]["servers"]] == [15012, 15017]
    routes = manifests["virtual_service_istio-system_istiod-vs"]["manifest"]["spec"]["tls"]
    assert [r["route"][0]["destination"] for r in routes] == [
        {"host": "istiod.istio-system.svc.cluster.local", "port": {"number": 15012}},
        {"host": "istiod.istio-system.svc.cluster.local", "port": {"number": 443}},
    ]


def test_the_same_gateways_rendered_twice_into_one_registry_are_refused() -> None:
    from istio_mesh.components import CrossNetworkGateways

    items = policies_plan(config_from(PRIMARY)).cross_network
    stack = fresh_stack()
    rendered = Rendered(stack)
    CrossNetworkGateways(stack, "cross-network", items=items, rendered=rendered)
    with pytest.raises(
        ValueError, match=r"^test: two resources at kubernetes_manifest.gateway_istio-system_cross-network-gateway: "
    ):
        CrossNetworkGateways(stack, "again", items=items, rendered=rendered)

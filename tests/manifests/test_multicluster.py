"""``manifests.multicluster`` builds the Istio objects that join networks: per
east-west gateway a cross-network Gateway, and on a primary serving remotes
istiod's XDS and webhook exposed through the first one. This file checks the
exact objects and when none are made."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.manifests.multicluster import multicluster_manifests

MESH = "mesh: {meshId: mesh1}\n"
EASTWEST = "gateways: [{name: istio-eastwestgateway, kind: eastwest}]\n"
CROSS_NETWORK_SERVER = {
    "port": {"number": 15443, "name": "tls", "protocol": "TLS"},
    "tls": {"mode": "AUTO_PASSTHROUGH"},
    "hosts": ["*.local"],
}


def test_a_single_cluster_config_makes_nothing() -> None:
    assert multicluster_manifests(config_from("{}")) == []


def test_a_multicluster_config_without_an_east_west_gateway_makes_nothing() -> None:
    config = config_from(MESH + "multicluster: {clusterName: east, network: net-east}\n"
                         "gateways: [{name: istio-ingressgateway, kind: ingress}]\n")
    assert multicluster_manifests(config) == []


def test_the_cross_network_gateway_passes_mtls_through_by_sni() -> None:
    config = config_from(MESH + "istioNamespace: mesh-root\n"
                         "multicluster: {clusterName: east, network: net-east}\n" + EASTWEST)
    assert multicluster_manifests(config) == [{
        "apiVersion": "networking.istio.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "cross-network-gateway", "namespace": "mesh-root"},
        "spec": {"selector": {"istio": "eastwestgateway"}, "servers": [CROSS_NETWORK_SERVER]},
    }]


def test_an_external_istiod_is_exposed_on_15012_and_15017_after_the_cross_network_gateway() -> None:
    config = config_from(MESH + "multicluster: {clusterName: east, network: net-east, externalIstiod: true,"
                         " remoteSecrets: [west]}\n" + EASTWEST)
    assert multicluster_manifests(config)[1:] == [
        {
            "apiVersion": "networking.istio.io/v1",
            "kind": "Gateway",
            "metadata": {"name": "istiod-gateway", "namespace": "istio-system"},
            "spec": {
                "selector": {"istio": "eastwestgateway"},
                "servers": [
                    {"port": {"name": "tls-istiod", "number": 15012, "protocol": "TLS"},
                     "tls": {"mode": "PASSTHROUGH"}, "hosts": ["*"]},
                    {"port": {"name": "tls-istiodwebhook", "number": 15017, "protocol": "TLS"},
                     "tls": {"mode": "PASSTHROUGH"}, "hosts": ["*"]},
                ],
            },
        },
        {
            "apiVersion": "networking.istio.io/v1",
            "kind": "VirtualService",
            "metadata": {"name": "istiod-vs", "namespace": "istio-system"},
            "spec": {
                "hosts": ["*"],
                "gateways": ["istiod-gateway"],
                "tls": [
                    {"match": [{"port": 15012, "sniHosts": ["*"]}],
                     "route": [{"destination": {"host": "istiod.istio-system.svc.cluster.local",
                                                "port": {"number": 15012}}}]},
                    {"match": [{"port": 15017, "sniHosts": ["*"]}],
                     "route": [{"destination": {"host": "istiod.istio-system.svc.cluster.local",
                                                "port": {"number": 443}}}]},
                ],
            },
        },
    ]


def test_a_second_east_west_gateway_gets_its_own_name_and_no_second_istiod_exposure() -> None:
    config = config_from(
        MESH + "multicluster: {clusterName: east, network: net-east, externalIstiod: true, remoteSecrets: [west]}\n"
        "gateways: [{name: istio-eastwestgateway, kind: eastwest},"
        " {name: eastwest-b, kind: eastwest, namespace: istio-eastwest-b}]\n"
    )
    manifests = multicluster_manifests(config)
    assert [(m["kind"], m["metadata"]["name"]) for m in manifests] == [
        ("Gateway", "cross-network-gateway"),
        ("Gateway", "istiod-gateway"),
        ("VirtualService", "istiod-vs"),
        ("Gateway", "cross-network-gateway-eastwest-b"),
    ]
    assert manifests[3]["spec"] == {"selector": {"istio": "eastwest-b"}, "servers": [CROSS_NETWORK_SERVER]}

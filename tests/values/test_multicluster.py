"""``values.multicluster`` places a cluster in a multicluster mesh through
chart values: cluster name and network for istiod, ztunnel and the east-west
gateway, the external-istiod flag of a primary, and a remote's ``remote``
profile. This file checks each builder's exact values, and that a
single-cluster config gets none."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.values.multicluster import (
    base_multicluster_values,
    gateway_multicluster_values,
    injection_path,
    istiod_multicluster_values,
    ztunnel_multicluster_values,
)

SINGLE = "gateways: [{name: istio-ingressgateway, kind: ingress}]\n"
PRIMARY = ("mesh: {meshId: mesh1}\n"
           "multicluster: {clusterName: east, network: net-east}\n"
           "gateways: [{name: istio-eastwestgateway, kind: eastwest}, {name: istio-ingressgateway, kind: ingress}]\n")
REMOTE = ("mesh: {meshId: mesh1}\n"
          "multicluster: {clusterName: edge, network: net-edge, role: remote, primaryCluster: east,"
          " primaryAddress: 203.0.113.10}\n")


def test_the_injection_path_names_cluster_and_network() -> None:
    assert injection_path("edge", "net-edge") == "/inject/cluster/edge/net/net-edge"


def test_a_single_cluster_config_gets_no_multicluster_values() -> None:
    config = config_from(SINGLE)
    assert istiod_multicluster_values(config) == {}
    assert base_multicluster_values(config) == {}
    assert ztunnel_multicluster_values(config) == {}
    assert gateway_multicluster_values(config, config.gateways[0]) == {}


def test_a_primary_istiod_names_its_cluster_and_network() -> None:
    assert istiod_multicluster_values(config_from(PRIMARY)) == {
        "global": {"multiCluster": {"clusterName": "east"}, "network": "net-east"}}


def test_a_primary_serving_remotes_is_an_external_istiod() -> None:
    config = config_from(PRIMARY.replace("network: net-east}", "network: net-east, externalIstiod: true,"
                                                               " remoteSecrets: [edge]}"))
    assert istiod_multicluster_values(config) == {
        "global": {"multiCluster": {"clusterName": "east"}, "network": "net-east", "externalIstiod": True}}


def test_a_remote_istiod_takes_the_remote_profile_pointing_at_its_primary() -> None:
    assert istiod_multicluster_values(config_from(REMOTE)) == {
        "global": {"multiCluster": {"clusterName": "edge"}, "network": "net-edge",
                   "remotePilotAddress": "203.0.113.10"},
        "profile": "remote",
        "istiodRemote": {"injectionPath": "/inject/cluster/edge/net/net-edge"},
    }


def test_only_a_remotes_base_chart_takes_the_remote_profile() -> None:
    assert base_multicluster_values(config_from(REMOTE)) == {"profile": "remote"}
    assert base_multicluster_values(config_from(PRIMARY)) == {}


def test_ztunnel_reads_network_and_cluster_at_its_top_level() -> None:
    assert ztunnel_multicluster_values(config_from(PRIMARY)) == {
        "network": "net-east", "multiCluster": {"clusterName": "east"}}


def test_only_the_east_west_gateway_is_the_network_gateway() -> None:
    config = config_from(PRIMARY)
    eastwest, ingress = config.gateways
    assert gateway_multicluster_values(config, eastwest) == {"networkGateway": "net-east"}
    assert gateway_multicluster_values(config, ingress) == {}

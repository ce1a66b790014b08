"""``manifests.sidecars`` gives each onboarded namespace whose pods run
sidecars a default Sidecar scoping their proxies to the hosts they need.
This file checks the hosts' order and de-duplication, and which namespaces
get one."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.manifests.sidecars import egress_hosts, sidecar, sidecar_manifests

AMBIENT = "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"


def test_without_extras_a_namespace_sees_itself_and_the_root_namespace() -> None:
    config = config_from("namespaces: [{name: shop}]\nsidecarScope: {enabled: true}")
    assert egress_hosts(config, config.namespaces[0]) == ["./*", "istio-system/*"]


def test_hosts_keep_their_order_and_appear_once() -> None:
    config = config_from(
        "istioNamespace: mesh-root\n"
        "namespaces: [{name: shop}, {name: blog}]\n"
        "sidecarScope:\n"
        "  enabled: true\n"
        "  hosts: [shared/*, mesh-root/*]\n"
        "  namespaceHosts: {shop: [payments/*, shared/*], blog: [cms/*]}\n"
    )
    assert egress_hosts(config, config.namespaces[0]) == ["./*", "mesh-root/*", "shared/*", "payments/*"]
    assert egress_hosts(config, config.namespaces[1]) == ["./*", "mesh-root/*", "shared/*", "cms/*"]


def test_a_routed_egress_gateway_is_visible_before_the_configured_hosts() -> None:
    config = config_from(
        "gateways: [{name: istio-egressgateway, kind: egress}]\n"
        "egress: {services: [{name: api, hosts: [api.example.com], egressGateway: istio-egressgateway,"
        " ports: [{number: 443, name: tls, protocol: TLS}]}]}\n"
        "namespaces: [{name: shop}]\n"
        "sidecarScope: {enabled: true, hosts: [shared/*]}\n"
    )
    assert egress_hosts(config, config.namespaces[0]) == [
        "./*",
        "istio-system/*",
        "istio-egress/istio-egressgateway.istio-egress.svc.cluster.local",
        "shared/*",
    ]


def test_the_sidecar_is_named_default_in_its_namespace() -> None:
    config = config_from("namespaces: [{name: shop}]\nsidecarScope: {enabled: true}")
    assert sidecar(config, config.namespaces[0]) == {
        "apiVersion": "networking.istio.io/v1",
        "kind": "Sidecar",
        "metadata": {"name": "default", "namespace": "shop"},
        "spec": {"egress": [{"hosts": ["./*", "istio-system/*"]}]},
    }


def test_scoping_off_makes_no_sidecars() -> None:
    assert sidecar_manifests(config_from("namespaces: [{name: shop}]\nsidecarScope: {enabled: false}")) == []


def test_only_namespaces_with_sidecar_injection_get_one_in_config_order() -> None:
    config = config_from(
        AMBIENT
        + "namespaces: [{name: web}, {name: batch, injection: false}, {name: mesh-a, dataplane: ambient},"
        " {name: api, revision: default}]\n"
        "revisions: [{name: default}]\n"
        "sidecarScope: {enabled: true}\n"
    )
    assert [m["metadata"]["namespace"] for m in sidecar_manifests(config)] == ["web", "api"]

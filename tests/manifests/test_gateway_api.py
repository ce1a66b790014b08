"""``manifests.gateway_api`` builds the Gateway API objects of an ingress
gateway with ``api: gateway-api``: one ``Gateway`` of class ``istio`` and its
``HTTPRoute``s. This file checks the exact objects for small configs: which
namespaces a listener admits routes from, TLS, the revision label, retries,
and that optional fields are left out rather than written empty."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.manifests.gateway_api import (
    gateway_api_gateways,
    gateway_manifest,
    http_route_manifest,
    route_namespace,
)

GW = "gateways:\n  - name: web\n    kind: ingress\n    api: gateway-api\n"


def test_only_gateway_api_gateways_are_listed_in_config_order() -> None:
    config = config_from(
        "gateways:\n"
        "  - {name: front, kind: ingress, api: gateway-api, listeners: [{name: a, port: 80}]}\n"
        "  - {name: istio-ingressgateway, kind: ingress}\n"
        "  - {name: back, kind: ingress, api: gateway-api, namespace: back-ns, listeners: [{name: a, port: 80}]}\n"
    )
    assert [g.name for g in gateway_api_gateways(config)] == ["front", "back"]


def test_a_config_with_chart_gateways_only_has_no_gateway_api_gateways() -> None:
    assert gateway_api_gateways(config_from("gateways: [{name: istio-ingressgateway, kind: ingress}]")) == []


def test_a_route_without_a_namespace_lives_in_the_gateways() -> None:
    config = config_from(GW + "    listeners: [{name: a, port: 80}]\n"
                         "    routes: [{name: r, rules: [{service: s, port: 80}]},"
                         " {name: q, namespace: shop, rules: [{service: s, port: 80}]}]\n")
    gateway = config.gateways[0]
    assert [route_namespace(gateway, r) for r in gateway.routes] == ["istio-ingress", "shop"]


def test_a_plain_http_gateway_without_routes_admits_routes_from_its_own_namespace() -> None:
    config = config_from(GW + "    listeners: [{name: http, port: 8080}]\n")
    assert gateway_manifest(config.gateways[0]) == {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "web", "namespace": "istio-ingress"},
        "spec": {
            "gatewayClassName": "istio",
            "listeners": [{"name": "http", "port": 8080, "protocol": "HTTP",
                           "allowedRoutes": {"namespaces": {"from": "Same"}}}],
        },
    }


def test_each_listener_admits_exactly_the_namespaces_of_its_routes() -> None:
    config = config_from(GW + """    namespace: edge
    listeners:
      - {name: http, port: 80, hostname: '*.example.com'}
      - {name: https, port: 443, protocol: HTTPS, hostname: shop.example.com, certificateSecret: shop-tls}
    routes:
      - {name: shop, namespace: shop, rules: [{service: storefront, port: 8080}]}
      - {name: blog, namespace: blog, listener: http, rules: [{service: blog, port: 80}]}
      - {name: status, listener: http, rules: [{service: status, port: 15021}]}
""")
    assert gateway_manifest(config.gateways[0])["spec"]["listeners"] == [
        {"name": "http", "port": 80, "protocol": "HTTP", "hostname": "*.example.com",
         "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchExpressions": [
             {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["blog", "edge", "shop"]}]}}}},
        {"name": "https", "port": 443, "protocol": "HTTPS", "hostname": "shop.example.com",
         "tls": {"mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": "shop-tls"}]},
         "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchExpressions": [
             {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["shop"]}]}}}},
    ]


def test_a_revisioned_gateway_carries_the_istio_io_rev_label() -> None:
    config = config_from("revisions: [{name: canary}]\ndefaultRevision: canary\n"
                         + GW + "    revision: canary\n    listeners: [{name: a, port: 80}]\n")
    assert gateway_manifest(config.gateways[0])["metadata"] == {
        "name": "web", "namespace": "istio-ingress", "labels": {"istio.io/rev": "canary"}}


def test_a_route_sends_each_path_prefix_to_its_service_port() -> None:
    config = config_from(GW + """    listeners: [{name: a, port: 80}]
    routes:
      - name: shop
        namespace: shop
        rules: [{service: storefront, port: 8080}, {path: /api, service: api, port: 9090}]
""")
    gateway = config.gateways[0]
    assert http_route_manifest(gateway, gateway.routes[0]) == {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "shop", "namespace": "shop"},
        "spec": {
            "parentRefs": [{"name": "web", "namespace": "istio-ingress"}],
            "rules": [
                {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                 "backendRefs": [{"name": "storefront", "port": 8080}]},
                {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
                 "backendRefs": [{"name": "api", "port": 9090}]},
            ],
        },
    }


def test_a_route_on_one_listener_names_it_and_its_hostnames() -> None:
    config = config_from(GW + """    listeners: [{name: http, port: 80, hostname: '*.example.com'}]
    routes: [{name: r, listener: http, hostnames: [a.example.com], rules: [{service: s, port: 80}]}]
""")
    gateway = config.gateways[0]
    spec = http_route_manifest(gateway, gateway.routes[0])["spec"]
    assert spec["parentRefs"] == [{"name": "web", "namespace": "istio-ingress", "sectionName": "http"}]
    assert spec["hostnames"] == ["a.example.com"]


def test_a_retry_without_codes_leaves_codes_out() -> None:
    config = config_from("gatewayApi: {channel: experimental}\n" + GW + """    listeners: [{name: a, port: 80}]
    routes:
      - name: r
        rules:
          - {service: s, port: 80, retry: {attempts: 3}}
          - {path: /pay, service: p, port: 80, retry: {attempts: 1, codes: [502, 503]}}
""")
    gateway = config.gateways[0]
    rules = http_route_manifest(gateway, gateway.routes[0])["spec"]["rules"]
    assert [r["retry"] for r in rules] == [{"attempts": 3}, {"attempts": 1, "codes": [502, 503]}]

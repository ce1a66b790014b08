"""Gateway API rules (experimental CRDs in production, the one pod Istio
deploys per Gateway, routes default deny closes, shadowed route rules,
plain-HTTP-only gateways, listeners on the wrong port for their protocol):
each check is called on its own, on a config built from YAML, and must report
the exact finding for a dangerous config and none for the nearest safe one."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.lint.rules import Check
from istio_mesh.lint.rules_gateway_api import (
    GATEWAY_API_CHECKS, experimental_channel, plain_http_only, port_protocol_mismatch,
    route_backend_denied, route_rule_shadowed, single_pod,
)


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes for the YAML."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


PROD = "environment: production\n"
HTTPS = "{name: https, port: 443, protocol: HTTPS, hostname: shop.example.com, certificateSecret: shop-tls}"


def gateway(listeners: str = HTTPS, rules: str = "    - {path: /, service: storefront, port: 8080}\n",
            api: str = "gateway-api") -> str:
    """One ingress gateway 'web' with one route 'shop' into namespace shop."""
    return (f"gateways:\n- name: web\n  kind: ingress\n  api: {api}\n  listeners:\n  - {listeners}\n"
            "  routes:\n  - name: shop\n    namespace: shop\n    rules:\n" + rules)


def test_every_gateway_api_rule_is_registered() -> None:
    assert GATEWAY_API_CHECKS == (experimental_channel, single_pod, route_backend_denied,
                                  route_rule_shadowed, plain_http_only, port_protocol_mismatch)


# --- prod-gateway-api-experimental --------------------------------------------------------

def test_installing_the_experimental_channel_in_production_is_an_error() -> None:
    text = PROD + "gatewayApi: {channel: experimental}\n" + gateway()
    assert found(experimental_channel, text) == [
        ("prod-gateway-api-experimental", "gatewayApi.channel", "error")]


def test_installing_the_standard_channel_in_production_is_accepted() -> None:
    assert found(experimental_channel, PROD + "gatewayApi: {channel: standard}\n" + gateway()) == []


def test_the_experimental_channel_the_stack_does_not_install_is_not_judged() -> None:
    text = PROD + "gatewayApi: {channel: experimental, crds: skip}\n" + gateway()
    assert found(experimental_channel, text) == []


def test_the_experimental_channel_outside_production_is_not_judged() -> None:
    text = "environment: staging\ngatewayApi: {channel: experimental}\n" + gateway()
    assert found(experimental_channel, text) == []


# --- prod-gateway-api-single-pod ----------------------------------------------------------

def test_a_gateway_api_gateway_in_production_is_a_warning_naming_its_deployment() -> None:
    [f] = single_pod(config_from(PROD + gateway()))
    assert (f.rule, f.path, f.severity) == ("prod-gateway-api-single-pod", "gateways[0].api", "warning")
    assert f.message.startswith("is gateway-api: Istio deploys 'web-istio' with one replica")


def test_a_chart_gateway_in_production_is_not_a_gateway_api_pod() -> None:
    text = PROD + "gateways:\n- {name: web, kind: ingress, api: chart, replicas: 2}\n"
    assert found(single_pod, text) == []


def test_a_gateway_api_gateway_outside_production_is_not_judged() -> None:
    assert found(single_pod, "environment: staging\n" + gateway()) == []


# --- route-backend-denied -----------------------------------------------------------------

def denied(allow: str) -> str:
    return ("authorization:\n  defaultDeny: true\n  ingress: [{gateway: web}]\n  allow:\n"
            "  - {name: within-shop, namespace: shop, from: {namespaces: [shop]}}\n" + allow
            + "namespaces: [{name: shop}]\n" + gateway())


def test_a_route_into_a_namespace_no_rule_lets_the_gateway_into_is_a_warning() -> None:
    [f] = route_backend_denied(config_from(denied("")))
    assert (f.rule, f.path, f.severity) == ("route-backend-denied", "gateways[0].routes[0]", "warning")
    assert f.fix == "add an authorization.allow rule in 'shop' with from: {gateways: [web]}"


def test_a_rule_naming_the_gateway_lets_its_route_in() -> None:
    text = denied("  - {name: from-web, namespace: shop, from: {gateways: [web]}}\n")
    assert found(route_backend_denied, text) == []


def test_a_rule_naming_the_gateways_service_account_lets_its_route_in() -> None:
    text = denied("  - {name: from-web, namespace: shop, from: {serviceAccounts: [istio-ingress/web-istio]}}\n")
    assert found(route_backend_denied, text) == []


def test_a_rule_in_another_namespace_does_not_let_the_route_in() -> None:
    text = denied("  - {name: from-web, namespace: other, from: {gateways: [web]}}\n")
    assert found(route_backend_denied, text) == [("route-backend-denied", "gateways[0].routes[0]", "warning")]


def test_without_default_deny_no_route_is_denied() -> None:
    text = ("authorization: {defaultDeny: false}\nnamespaces: [{name: shop}]\n" + gateway())
    assert found(route_backend_denied, text) == []


# --- route-rule-shadowed ------------------------------------------------------------------

def test_a_second_rule_on_the_same_path_is_shadowed_by_the_first() -> None:
    rules = ("    - {path: /api, service: api-v1, port: 8080}\n"
             "    - {path: /api, service: api-v2, port: 8080}\n")
    [f] = route_rule_shadowed(config_from(gateway(rules=rules)))
    assert (f.rule, f.path, f.severity) == (
        "route-rule-shadowed", "gateways[0].routes[0].rules[1].path", "warning")
    assert f.message.startswith("is '/api', the path of rules[0] already")


def test_rules_on_different_paths_are_not_shadowed() -> None:
    rules = ("    - {path: /api, service: api-v1, port: 8080}\n"
             "    - {path: /api/v2, service: api-v2, port: 8080}\n")
    assert found(route_rule_shadowed, gateway(rules=rules)) == []


def test_a_third_rule_on_the_path_names_the_first_rule_not_the_second() -> None:
    rules = ("    - {path: /api, service: a, port: 8080}\n"
             "    - {path: /api, service: b, port: 8080}\n"
             "    - {path: /api, service: c, port: 8080}\n")
    shadowed = list(route_rule_shadowed(config_from(gateway(rules=rules))))
    assert [f.path for f in shadowed] == ["gateways[0].routes[0].rules[1].path",
                                          "gateways[0].routes[0].rules[2].path"]
    assert [f.message.startswith("is '/api', the path of rules[0] already") for f in shadowed] == [True, True]


# --- prod-ingress-plain-http --------------------------------------------------------------

def test_a_gateway_api_gateway_with_only_http_listeners_in_production_is_a_warning() -> None:
    text = PROD + gateway(listeners="{name: web, port: 80, protocol: HTTP}")
    assert found(plain_http_only, text) == [("prod-ingress-plain-http", "gateways[0].listeners", "warning")]


def test_a_gateway_api_gateway_with_an_https_listener_in_production_is_accepted() -> None:
    listeners = "{name: web, port: 80, protocol: HTTP}\n  - " + HTTPS
    assert found(plain_http_only, PROD + gateway(listeners=listeners)) == []


def test_plain_http_only_outside_production_is_not_judged() -> None:
    text = "environment: staging\n" + gateway(listeners="{name: web, port: 80, protocol: HTTP}")
    assert found(plain_http_only, text) == []


# --- listener-port-protocol-mismatch ------------------------------------------------------

def test_an_http_listener_on_port_443_is_a_warning_on_its_port() -> None:
    text = gateway(listeners="{name: web, port: 443, protocol: HTTP}")
    [f] = port_protocol_mismatch(config_from(text))
    assert (f.rule, f.path, f.severity) == (
        "listener-port-protocol-mismatch", "gateways[0].listeners[0].port", "warning")
    assert f.message.startswith("is 443 with protocol HTTP: clients open TLS there")


def test_an_https_listener_on_port_8080_is_a_warning_on_its_port() -> None:
    text = gateway(listeners="{name: web, port: 8080, protocol: HTTPS, hostname: shop.example.com, "
                   "certificateSecret: shop-tls}")
    assert found(port_protocol_mismatch, text) == [
        ("listener-port-protocol-mismatch", "gateways[0].listeners[0].port", "warning")]


def test_http_on_80_and_https_on_443_are_accepted() -> None:
    listeners = "{name: web, port: 80, protocol: HTTP}\n  - " + HTTPS
    assert found(port_protocol_mismatch, gateway(listeners=listeners)) == []


def test_http_on_an_unusual_port_is_not_a_mismatch() -> None:
    assert found(port_protocol_mismatch, gateway(listeners="{name: web, port: 8000, protocol: HTTP}")) == []

"""Rules for the Gateway API section: experimental CRDs in production, the
single pod Istio deploys for a Gateway, routes that default deny closes,
rules a route can never reach, and listeners that speak the wrong protocol
for their port.
"""

from __future__ import annotations

from collections.abc import Iterator

from istio_mesh.config.gateway_api import (
    GATEWAY_API_VERSION,
    gateway_api_deployment_name,
    gateway_api_service_account,
    installs_gateway_api_crds,
)
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.gateways import GatewaySettings
from istio_mesh.config.security import AllowRule
from istio_mesh.lint.rules import Finding, finding, production

TLS_PORTS = frozenset({443, 8443})
PLAIN_PORTS = frozenset({80, 8080})


def experimental_channel(config: MeshConfig) -> Iterator[Finding]:
    if production(config) and config.gateway_api.channel == "experimental" \
            and installs_gateway_api_crds(config):
        yield finding("prod-gateway-api-experimental", ("gatewayApi", "channel"),
                      f"is experimental in a production mesh: the stack installs the "
                      f"experimental Gateway API {GATEWAY_API_VERSION} CRDs, whose fields change "
                      f"or go away between releases without deprecation, and every Gateway API "
                      f"user in the cluster gets them",
                      "use channel: standard and leave out experimental fields (HTTPRoute "
                      "retry)")


def _gateway_api(config: MeshConfig) -> Iterator[tuple[int, GatewaySettings]]:
    for i, gateway in enumerate(config.gateways):
        if gateway.api == "gateway-api":
            yield i, gateway


def single_pod(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for i, gateway in _gateway_api(config):
        deployment = gateway_api_deployment_name(gateway.name)
        yield finding("prod-gateway-api-single-pod", ("gateways", i, "api"),
                      f"is gateway-api: Istio deploys {deployment!a} with one replica and no "
                      f"autoscaler, so while that pod restarts every request through "
                      f"{gateway.name!a} fails",
                      f"use api: chart with replicas: 2 or more, or add a "
                      f"HorizontalPodAutoscaler for Deployment {deployment} and waive this "
                      f"finding with that reason")


def _lets_in(rule: AllowRule, gateway: GatewaySettings) -> bool:
    namespace = gateway.resolved_namespace
    account = gateway_api_service_account(gateway.name)
    sources = rule.sources
    return (gateway.name in sources.gateways
            or f"{namespace}/{account}" in sources.service_accounts
            or any(p.endswith(f"/ns/{namespace}/sa/{account}") for p in sources.principals)
            or any(_matches(pattern, namespace) for pattern in sources.namespaces))


def _matches(pattern: str, namespace: str) -> bool:
    if pattern == "*" or pattern == namespace:
        return True
    if pattern.startswith("*"):
        return namespace.endswith(pattern[1:])
    return pattern.endswith("*") and namespace.startswith(pattern[:-1])


def route_backend_denied(config: MeshConfig) -> Iterator[Finding]:
    if not config.authorization.default_deny:
        return
    meshed = {ns.name for ns in config.namespaces}
    extra = {r.metadata.namespace for r in config.extra_resources if r.kind == "AuthorizationPolicy"}
    for i, gateway in _gateway_api(config):
        for j, route in enumerate(gateway.routes):
            namespace = route.namespace or gateway.resolved_namespace
            if namespace not in meshed or namespace in extra:
                continue
            rules = [r for r in config.authorization.allow
                     if r.namespace in (namespace, config.istio_namespace)]
            if not any(_lets_in(rule, gateway) for rule in rules):
                yield finding("route-backend-denied", ("gateways", i, "routes", j),
                              f"sends requests to services in {namespace!a}, where default deny "
                              f"refuses them: no allow rule lets gateway {gateway.name!a} in, so "
                              f"every request on this route gets 403",
                              f"add an authorization.allow rule in {namespace!a} with from: "
                              f"{{gateways: [{gateway.name}]}}")


def route_rule_shadowed(config: MeshConfig) -> Iterator[Finding]:
    for i, gateway in _gateway_api(config):
        for j, route in enumerate(gateway.routes):
            first: dict[str, int] = {}
            for k, rule in enumerate(route.rules):
                if rule.path in first:
                    yield finding("route-rule-shadowed",
                                  ("gateways", i, "routes", j, "rules", k, "path"),
                                  f"is {rule.path!a}, the path of rules[{first[rule.path]}] "
                                  f"already: Gateway API gives a tie to the earlier rule, so "
                                  f"{rule.service!a} never gets a request from it",
                                  "give the rule another path, or remove it")
                first.setdefault(rule.path, k)


def plain_http_only(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for i, gateway in _gateway_api(config):
        if all(listener.protocol == "HTTP" for listener in gateway.listeners):
            yield finding("prod-ingress-plain-http", ("gateways", i, "listeners"),
                          f"serve only plain HTTP: requests to {gateway.name!a}, with their "
                          f"credentials and cookies, cross the network in clear text",
                          "add an HTTPS listener with certificateSecret, and send HTTP clients "
                          "there")


def port_protocol_mismatch(config: MeshConfig) -> Iterator[Finding]:
    for i, gateway in _gateway_api(config):
        for j, listener in enumerate(gateway.listeners):
            if listener.protocol == "HTTP" and listener.port in TLS_PORTS:
                effect = "clients open TLS there, which a plain HTTP listener cannot read"
            elif listener.protocol == "HTTPS" and listener.port in PLAIN_PORTS:
                effect = "clients send plain HTTP there, which a TLS listener refuses"
            else:
                continue
            yield finding("listener-port-protocol-mismatch",
                          ("gateways", i, "listeners", j, "port"),
                          f"is {listener.port} with protocol {listener.protocol}: {effect}, so "
                          f"every request to it fails",
                          "use port 443 for HTTPS and 80 for HTTP")


GATEWAY_API_CHECKS = (
    experimental_channel, single_pod, route_backend_denied, route_rule_shadowed,
    plain_http_only, port_protocol_mismatch,
)

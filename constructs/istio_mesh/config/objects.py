"""Which Istio objects the typed settings generate, named without building them.

The policy builders (:mod:`istio_mesh.policy`) write these objects; the config
needs only their identities, to refuse an ``extraResources`` entry that would
be a second owner of one of them. Names and API groups are defined here, once,
and the builders take them from here; a test checks, for every shipped config
and fixture, that the builders produce exactly the objects listed here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from istio_mesh.config.egress import routed_gateways
from istio_mesh.config.multicluster import EASTWEST_KIND
from istio_mesh.config.security import DEFAULT_DENY_POLICY, gateway_policy_name
from istio_mesh.config.sidecars import has_sidecar_injection

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig

Identity = tuple[str, str, str, str]
"""(API group, kind, namespace, name): one object, whatever the API version."""

SECURITY_API = "security.istio.io/v1"
NETWORKING_API = "networking.istio.io/v1"
PEER_AUTHENTICATION_NAME = "default"
"""Each namespace's PeerAuthentication; no selector, so it covers the namespace."""
SIDECAR_NAME = "default"
"""A namespace's Sidecar without a workload selector; Istio allows one per namespace."""
CROSS_NETWORK_GATEWAY = "cross-network-gateway"
ISTIOD_GATEWAY = "istiod-gateway"
ISTIOD_VIRTUAL_SERVICE = "istiod-vs"


def tls_origination_name(service_name: str) -> str:
    """The DestinationRule that opens TLS to an external service's host."""
    return f"{service_name}-tls-origination"


def cross_network_gateway_name(index: int, gateway_name: str) -> str:
    """The first east-west gateway's Gateway has the plain name; further ones add theirs."""
    return CROSS_NETWORK_GATEWAY if index == 0 else f"{CROSS_NETWORK_GATEWAY}-{gateway_name}"


def identity(manifest: Mapping[str, Any]) -> Identity:
    """Which Kubernetes object a manifest is."""
    group = str(manifest["apiVersion"]).rpartition("/")[0]
    metadata = manifest["metadata"]
    return group, str(manifest["kind"]), str(metadata["namespace"]), str(metadata["name"])


def resource_address(manifest: Mapping[str, Any], *, prefix: str = "") -> str:
    """A stable Terraform resource name: ``<prefix><kind>_<namespace>_<name>``,
    e.g. ``authorization_policy_shop_allow-web``. Kind, namespace and name make
    it unique; '.' (allowed in object names, not in Terraform names) becomes '_',
    which object names never contain."""
    _, kind, namespace, name = identity(manifest)
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()
    return f"{prefix}{snake}_{namespace}_{name}".replace(".", "_")


def generated_identities(config: MeshConfig) -> list[Identity]:
    """Every object the typed settings produce (extraResources excluded), in
    the order :func:`istio_mesh.policy.resources.generated_manifests` builds them."""
    security = SECURITY_API.rpartition("/")[0]
    networking = NETWORKING_API.rpartition("/")[0]
    root = config.istio_namespace
    gateways = {g.name: g for g in config.gateways}
    authz = config.authorization

    def policy(namespace: str, name: str) -> Identity:
        return security, "AuthorizationPolicy", namespace, name

    def on_gateway(name: str) -> Identity:
        return policy(gateways[name].resolved_namespace, gateway_policy_name(name))

    def net(kind: str, namespace: str, name: str) -> Identity:
        return networking, kind, namespace, name

    namespaces = [root, *sorted(config.mtls.namespace_overrides)]
    out = [(security, "PeerAuthentication", ns, PEER_AUTHENTICATION_NAME) for ns in namespaces]
    out += [on_gateway(entry.gateway) for entry in authz.ingress]
    if authz.default_deny:
        out += [on_gateway(g.name) for g in routed_gateways(config)]
    out += [policy(rule.namespace, rule.name) for rule in authz.allow]
    if authz.default_deny:
        out.append(policy(root, DEFAULT_DENY_POLICY))
    for service in config.egress.services:
        out.append(net("ServiceEntry", root, service.name))
        if service.egress_gateway is not None:
            gateway = gateways[service.egress_gateway]
            out += [net("Gateway", gateway.resolved_namespace, service.name),
                    net("VirtualService", root, service.name)]
            if service.tls_origination:
                out.append(net("DestinationRule", gateway.resolved_namespace,
                               tls_origination_name(service.name)))
    out += [net("DestinationRule", root, g.name) for g in routed_gateways(config)]
    if config.sidecar_scope.enabled:
        out += [net("Sidecar", ns.name, SIDECAR_NAME)
                for ns in config.namespaces if has_sidecar_injection(ns)]
    eastwest = [g for g in config.gateways if g.kind == EASTWEST_KIND]
    if config.multicluster is not None:
        for i, gateway in enumerate(eastwest):
            out.append(net("Gateway", root, cross_network_gateway_name(i, gateway.name)))
            if config.multicluster.external_istiod and i == 0:
                out += [net("Gateway", root, ISTIOD_GATEWAY),
                        net("VirtualService", root, ISTIOD_VIRTUAL_SERVICE)]
    return out

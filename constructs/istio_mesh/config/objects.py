"""Which Istio objects the typed settings generate, named without building them.

The policy builders (:mod:`istio_mesh.manifests`) write these objects; the config
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
TELEMETRY_API = "telemetry.istio.io/v1"
MESH_TELEMETRY_NAME = "mesh-default"
"""The mesh-wide Telemetry, in the root namespace (the name Istio's docs use)."""
NAMESPACE_TELEMETRY_NAME = "namespace-default"
"""Each namespace override's Telemetry."""
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
    the order :func:`istio_mesh.plan.policies_plan` lists them."""
    return [
        *_peer_authentications(config),
        *_authorization_policies(config),
        *_egress_objects(config),
        *_sidecars(config),
        *_multicluster_objects(config),
        *_telemetries(config),
    ]


_SECURITY = SECURITY_API.rpartition("/")[0]
_TELEMETRY = TELEMETRY_API.rpartition("/")[0]
_NETWORKING = NETWORKING_API.rpartition("/")[0]


def _peer_authentications(config: MeshConfig) -> list[Identity]:
    namespaces = [config.istio_namespace, *sorted(config.mtls.namespace_overrides)]
    return [(_SECURITY, "PeerAuthentication", ns, PEER_AUTHENTICATION_NAME) for ns in namespaces]


def _authorization_policies(config: MeshConfig) -> list[Identity]:
    """Gateway policies, allow rules, then default deny, as allow_policies and
    the policies plan orders them."""
    gateways = {g.name: g for g in config.gateways}
    authz = config.authorization
    on_gateways = [gateways[entry.gateway] for entry in authz.ingress]
    if authz.default_deny:
        on_gateways += routed_gateways(config)
    out = [(g.resolved_namespace, gateway_policy_name(g.name)) for g in on_gateways]
    out += [(rule.namespace, rule.name) for rule in authz.allow]
    if authz.default_deny:
        out.append((config.istio_namespace, DEFAULT_DENY_POLICY))
    return [(_SECURITY, "AuthorizationPolicy", ns, name) for ns, name in out]


def _egress_objects(config: MeshConfig) -> list[Identity]:
    root = config.istio_namespace
    gateways = {g.name: g for g in config.gateways}
    out: list[tuple[str, str, str]] = []
    for service in config.egress.services:
        out.append(("ServiceEntry", root, service.name))
        if service.egress_gateway is None:
            continue
        beside_gateway = gateways[service.egress_gateway].resolved_namespace
        out += [("Gateway", beside_gateway, service.name), ("VirtualService", root, service.name)]
        if service.tls_origination:
            out.append(("DestinationRule", beside_gateway, tls_origination_name(service.name)))
    out += [("DestinationRule", root, g.name) for g in routed_gateways(config)]
    return [(_NETWORKING, *item) for item in out]


def _sidecars(config: MeshConfig) -> list[Identity]:
    if not config.sidecar_scope.enabled:
        return []
    return [(_NETWORKING, "Sidecar", ns.name, SIDECAR_NAME)
            for ns in config.namespaces if has_sidecar_injection(ns)]


def _multicluster_objects(config: MeshConfig) -> list[Identity]:
    if config.multicluster is None:
        return []
    root = config.istio_namespace
    eastwest = [g for g in config.gateways if g.kind == EASTWEST_KIND]
    out = [("Gateway", root, cross_network_gateway_name(i, g.name)) for i, g in enumerate(eastwest)]
    if eastwest and config.multicluster.external_istiod:
        out[1:1] = [("Gateway", root, ISTIOD_GATEWAY), ("VirtualService", root, ISTIOD_VIRTUAL_SERVICE)]
    return [(_NETWORKING, *item) for item in out]


def _telemetries(config: MeshConfig) -> list[Identity]:
    """The mesh-wide Telemetry and each override, when they say anything."""
    settings = config.mesh.telemetry
    out = [(config.istio_namespace, MESH_TELEMETRY_NAME)] if settings.says_anything else []
    out += [(ns, NAMESPACE_TELEMETRY_NAME) for ns, policy in settings.namespaces.items()
            if policy.says_anything]
    return [(_TELEMETRY, "Telemetry", ns, name) for ns, name in out]

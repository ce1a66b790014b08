"""AuthorizationPolicy objects (security.istio.io/v1) built from config.

No builder emits an empty map or list: kubernetes_manifest reports an
"inconsistent result after apply" for empty blocks
(hashicorp/terraform-provider-kubernetes-alpha#158), so every field that
would be empty is left out instead.
"""

from __future__ import annotations

from typing import Any

from istio_mesh.config.egress import HTTP_PROTOCOLS, TLS_PROTOCOLS, gateway_port, routed_gateways
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.gateways import GatewaySettings
from istio_mesh.config.security import (
    DEFAULT_DENY_POLICY,
    AllowRule,
    IngressAllow,
    gateway_policy_name,
)
from istio_mesh.config.objects import SECURITY_API
from istio_mesh.config.gateways import gateway_pod_labels, gateway_service_account

TRUST_DOMAIN = "cluster.local"
"""Istio reads ``cluster.local`` in a policy's principals as "this mesh's trust
domain and its aliases" (mesh.trustDomain, mesh.trustDomainAliases), so the
generated principals stay ``cluster.local`` whatever the configured trust
domain is, and policies survive a trust domain change."""


def principal(namespace: str, service_account: str) -> str:
    """The mTLS principal of a workload identity."""
    return f"{TRUST_DOMAIN}/ns/{namespace}/sa/{service_account}"


def authorization_policy(name: str, namespace: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The object around a spec."""
    return {
        "apiVersion": SECURITY_API,
        "kind": "AuthorizationPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def default_deny(config: MeshConfig) -> dict[str, Any]:
    """The mesh-wide allow-nothing policy, in the root namespace.

    Istio documents it as ``spec: {}``; ``action: ALLOW`` with no rules is the
    same policy (ALLOW is the default action and no rule matches) and is not
    an empty block.
    """
    return authorization_policy(DEFAULT_DENY_POLICY, config.istio_namespace, {"action": "ALLOW"})


def allow_rule(config: MeshConfig, rule: AllowRule) -> dict[str, Any]:
    """An ALLOW policy from one allow rule. Each source kind is its own ``from``
    entry, so a request from any listed identity OR namespace matches (fields
    inside one Istio ``source`` would be ANDed)."""
    gateways = {g.name: g for g in config.gateways}
    sources = rule.sources
    principals = [
        *sources.principals,
        *(principal(*ref.split("/", 1)) for ref in sources.service_accounts),
        *(principal(gateways[g].resolved_namespace, gateway_service_account(gateways[g]))
          for g in sources.gateways),
    ]
    from_: list[dict[str, Any]] = []
    if principals:
        from_.append({"source": {"principals": list(dict.fromkeys(principals))}})
    if sources.namespaces:
        from_.append({"source": {"namespaces": list(sources.namespaces)}})
    policy_rule: dict[str, Any] = {"from": from_}
    operation = _operation(
        ports=[str(p) for p in rule.to.ports], methods=list(rule.to.methods), paths=list(rule.to.paths)
    )
    if operation:
        policy_rule["to"] = [{"operation": operation}]
    spec: dict[str, Any] = {"action": "ALLOW", "rules": [policy_rule]}
    if rule.selector:
        spec = {"selector": {"matchLabels": dict(rule.selector)}, **spec}
    return authorization_policy(rule.name, rule.namespace, spec)


def _operation(**fields: list[str]) -> dict[str, list[str]]:
    return {key: values for key, values in fields.items() if values}


def serving_ports(gateway: GatewaySettings) -> list[str]:
    """The gateway's container ports that carry traffic (not the status port):
    authorization sees the port the proxy listens on, the Service's target port.
    A Gateway API gateway's pods listen on the listener ports themselves."""
    if gateway.api == "gateway-api":
        return [str(port) for port in sorted({listener.port for listener in gateway.listeners})]
    return [
        str(p.target_port or p.port) for p in gateway.service.ports if p.name != "status-port"
    ]


def ingress_gateway_policy(config: MeshConfig, entry: IngressAllow) -> dict[str, Any]:
    """Let clients reach an ingress gateway, which default deny covers too."""
    gateway = next(g for g in config.gateways if g.name == entry.gateway)
    operation = _operation(ports=serving_ports(gateway), hosts=list(entry.hosts))
    rule: dict[str, Any] = {"to": [{"operation": operation}]}
    if entry.remote_ip_blocks:
        rule = {"from": [{"source": {"remoteIpBlocks": list(entry.remote_ip_blocks)}}], **rule}
    return _on_gateway(gateway, rule)


def egress_gateway_policy(config: MeshConfig, gateway: GatewaySettings) -> dict[str, Any]:
    """Under default deny, let mesh workloads (any mTLS identity) reach the
    egress gateway ports their external services are routed through."""
    ports: list[str] = []
    for service in config.egress.services:
        if service.egress_gateway != gateway.name:
            continue
        for port, protocols in ((service.http_port, HTTP_PROTOCOLS), (service.tls_port, TLS_PROTOCOLS)):
            used = gateway_port(gateway, protocols) if port is not None else None
            if used is not None:
                ports.append(str(used.target_port or used.port))
    rule = {
        "from": [{"source": {"principals": ["*"]}}],
        "to": [{"operation": {"ports": sorted(set(ports), key=int)}}],
    }
    return _on_gateway(gateway, rule)


def _on_gateway(gateway: GatewaySettings, rule: dict[str, Any]) -> dict[str, Any]:
    return authorization_policy(
        gateway_policy_name(gateway.name),
        gateway.resolved_namespace,
        {"selector": {"matchLabels": gateway_pod_labels(gateway)}, "action": "ALLOW", "rules": [rule]},
    )


def allow_policies(config: MeshConfig) -> list[dict[str, Any]]:
    """Every ALLOW policy: gateways first, then the allow rules in config order."""
    authz = config.authorization
    out = [ingress_gateway_policy(config, entry) for entry in authz.ingress]
    if authz.default_deny:
        out += [egress_gateway_policy(config, g) for g in routed_gateways(config)]
    out += [allow_rule(config, rule) for rule in authz.allow]
    return out

"""Rules for settings that cut traffic or open the mesh although they load:
identity rules a plain-text namespace can never satisfy, a certificate or
configuration address that points a proxy at itself, mTLS switched off
behind the typed settings' back, and a root namespace anyone may write.

Each finding states what the cluster does with the setting and the fix.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from istio_mesh.config.extra_resources import ExtraResource
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.namespaces import MtlsMode
from istio_mesh.config.sidecars import has_sidecar_injection
from istio_mesh.lint.hatches import value_at
from istio_mesh.lint.rules import Finding, finding, istiods, production

Path = tuple[str | int, ...]

WRITABLE_NAMESPACES = frozenset({"default"})
"""Namespaces every team may create objects in on a typical cluster."""


def mtls_mode(config: MeshConfig, namespace: str) -> MtlsMode:
    """The PeerAuthentication mode the typed settings give a namespace."""
    return config.mtls.namespace_overrides.get(namespace, config.mtls.mode)


def identity_rule_without_mtls(config: MeshConfig) -> Iterator[Finding]:
    """Istio learns a caller's identity from its mTLS certificate: where mTLS
    is off, no request carries one, so a rule naming identities never matches."""
    for i, rule in enumerate(config.authorization.allow):
        if mtls_mode(config, rule.namespace) == MtlsMode.DISABLE:
            yield finding("identity-rule-without-mtls", ("authorization", "allow", i, "from"),
                          f"names callers by identity, but mTLS is DISABLE in {rule.namespace!a}: "
                          f"requests there carry no identity, so the rule never matches and "
                          f"every call it should allow is refused",
                          f"set mtls.namespaceOverrides.{rule.namespace} (or mtls.mode) to STRICT; "
                          f"identity-based rules need mTLS")


def _loopback(address: str, *, with_port: bool) -> bool:
    host = address.rsplit(":", 1)[0] if with_port else address
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


_CA = ("no proxy ever gets a certificate, so mTLS, and with it every call between workloads, "
       "fails")
_XDS = "no proxy ever gets its configuration, so no pod with a sidecar becomes ready"


def _addresses(config: MeshConfig) -> Iterator[tuple[Path, str, bool, str, str]]:
    """(field path, address, has a port, what fails, a correct example) of
    every address a proxy dials for certificates or configuration."""
    ca_example = "'cert-manager-istio-csr.cert-manager.svc:443'"
    if config.ca.address is not None:
        yield ("ca", "address"), config.ca.address, True, _CA, ca_example
    keys = (("global.caAddress", _CA, ca_example),
            ("meshConfig.defaultConfig.discoveryAddress", _XDS, "'istiod.istio-system.svc:15012'"))
    for path, istiod in istiods(config):
        for dotted, effect, example in keys:
            found, value = value_at(istiod.extra_values, dotted)
            if found and isinstance(value, str):
                yield (*path, "extraValues", *dotted.split(".")), value, True, effect, example
    for key, effect, example in (("caAddress", _CA, ca_example),
                                 ("xdsAddress", _XDS, "'istiod.istio-system.svc:15012'")):
        value = config.ztunnel.extra_values.get(key)
        if isinstance(value, str):
            yield ("ztunnel", "extraValues", key), value, True, effect, example
    mc = config.multicluster
    if mc is not None and mc.primary_address is not None:
        yield (("multicluster", "primaryAddress"), mc.primary_address, False,
               "this cluster's proxies never reach the primary's istiod, so they get neither "
               "configuration nor certificates", "the primary's east-west gateway address")


def address_points_at_proxy(config: MeshConfig) -> Iterator[Finding]:
    for path, address, with_port, effect, example in _addresses(config):
        if _loopback(address, with_port=with_port):
            yield finding("address-points-at-proxy", path,
                          f"is {address!a}: inside a pod that is the pod itself (its own "
                          f"proxy), not the service meant: {effect}",
                          f"use the service's cluster address, e.g. {example}")


def auto_mtls_off_with_strict(config: MeshConfig) -> Iterator[Finding]:
    strict = config.mtls.mode == MtlsMode.STRICT or MtlsMode.STRICT in config.mtls.namespace_overrides.values()
    if not strict:
        return
    for path, istiod in istiods(config):
        found, value = value_at(istiod.extra_values, "meshConfig.enableAutoMtls")
        if found and value is False:
            yield finding("auto-mtls-off-with-strict",
                          (*path, "extraValues", "meshConfig", "enableAutoMtls"),
                          "is false while mTLS is STRICT: clients send plain text unless a "
                          "DestinationRule sets ISTIO_MUTUAL for each host, and STRICT "
                          "workloads refuse plain text, so calls between workloads fail",
                          "remove it; Istio's automatic mTLS is what STRICT relies on")


def _host_namespace(host: str, own: str) -> str | None:
    """The namespace a DestinationRule host is in; None for a host of every
    namespace (``*.svc.cluster.local``) or outside the cluster."""
    parts = host.split(".")
    if len(parts) == 1 and host != "*":
        return own
    if len(parts) >= 3 and parts[2] == "svc" and parts[1] != "*" and parts[0] != "":
        return parts[1]
    return None


def _in_cluster(host: str) -> bool:
    return "." not in host or host.endswith((".svc", ".svc.cluster.local", ".local")) or host == "*"


def _tls_modes(spec: Mapping[str, Any]) -> Iterator[tuple[Path, Any]]:
    policies: list[tuple[Path, Any]] = [(("trafficPolicy",), spec.get("trafficPolicy"))]
    for i, subset in enumerate(spec.get("subsets") or ()):
        if isinstance(subset, Mapping):
            policies.append((("subsets", i, "trafficPolicy"), subset.get("trafficPolicy")))
    for where, policy in policies:
        if not isinstance(policy, Mapping):
            continue
        found, mode = value_at(policy, "tls.mode")
        if found:
            yield (*where, "tls", "mode"), mode
        for j, port in enumerate(policy.get("portLevelSettings") or ()):
            if isinstance(port, Mapping):
                found, mode = value_at(port, "tls.mode")
                if found:
                    yield (*where, "portLevelSettings", j, "tls", "mode"), mode


def _extra(config: MeshConfig, kind: str) -> Iterator[tuple[int, ExtraResource]]:
    for i, resource in enumerate(config.extra_resources):
        if resource.kind == kind:
            yield i, resource


def client_tls_disabled_under_strict(config: MeshConfig) -> Iterator[Finding]:
    for i, rule in _extra(config, "DestinationRule"):
        host = rule.spec.get("host")
        if not isinstance(host, str) or not _in_cluster(host):
            continue
        namespace = _host_namespace(host, rule.metadata.namespace)
        mode = mtls_mode(config, namespace) if namespace is not None else config.mtls.mode
        if mode != MtlsMode.STRICT:
            continue
        for where, tls in _tls_modes(rule.spec):
            if tls == "DISABLE":
                yield finding("client-tls-disabled-under-strict",
                              ("extraResources", i, "spec", *where),
                              f"is DISABLE for {host!a}, whose workloads accept only mTLS "
                              f"(STRICT): clients send plain text and every call is refused",
                              "set ISTIO_MUTUAL or remove the tls block (automatic mTLS "
                              "then applies)")


def extra_resource_lowers_mtls(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for i, policy in _extra(config, "PeerAuthentication"):
        checks: list[tuple[Path, Any]] = [(("mtls", "mode"), value_at(policy.spec, "mtls.mode")[1])]
        port_level = policy.spec.get("portLevelMtls")
        if isinstance(port_level, Mapping):
            checks += [(("portLevelMtls", port, "mode"), value_at(v, "mode")[1] if isinstance(v, Mapping) else None)
                       for port, v in sorted(port_level.items(), key=lambda kv: str(kv[0]))]
        for where, mode in checks:
            if mode in ("PERMISSIVE", "DISABLE"):
                yield finding("prod-extra-resource-lowers-mtls", ("extraResources", i, "spec", *where),
                              f"is {mode}: workloads of {policy.metadata.namespace!a} accept "
                              f"plain-text traffic, behind mtls settings that the rest of the "
                              f"config and its review read",
                              "remove the PeerAuthentication; if plain text is really needed, "
                              "say so in mtls.namespaceOverrides where the linter sees it")


def extra_resource_allows_everything(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for i, policy in _extra(config, "AuthorizationPolicy"):
        spec = policy.spec
        if spec.get("action", "ALLOW") != "ALLOW" or spec.get("selector") or spec.get("targetRef") \
                or spec.get("targetRefs") or spec.get("provider"):
            continue
        rules = spec.get("rules")
        if not isinstance(rules, list):
            continue
        for j, rule in enumerate(rules):
            if isinstance(rule, Mapping) and not any(rule.get(k) for k in ("from", "to", "when")):
                scope = ("every workload of the mesh" if policy.metadata.namespace == config.istio_namespace
                         else f"every workload of {policy.metadata.namespace!a}")
                yield finding("prod-extra-resource-allows-everything",
                              ("extraResources", i, "spec", "rules", j),
                              f"is an empty rule, which matches every request: it allows anyone "
                              f"to call {scope}, which cancels default deny and every narrower "
                              f"allow rule",
                              "name the callers (from) and operations (to), or use "
                              "authorization.allow")


def envoy_filter(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for i, _ in _extra(config, "EnvoyFilter"):
        yield finding("prod-envoy-filter", ("extraResources", i, "kind"),
                      "is EnvoyFilter: it patches Envoy's generated configuration, which "
                      "changes between Istio releases without notice, so an upgrade can break "
                      "every proxy it applies to",
                      "use a typed API (Telemetry, WasmPlugin, AuthorizationPolicy ...) or pin "
                      "it with a proxyVersion match and test it at each upgrade")


def root_namespace_writable(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    writable = WRITABLE_NAMESPACES | {ns.name for ns in config.namespaces}
    roots: list[tuple[Path, Any]] = [(("istioNamespace",), config.istio_namespace)]
    for path, istiod in istiods(config):
        found, value = value_at(istiod.extra_values, "meshConfig.rootNamespace")
        if found:
            roots.append(((*path, "extraValues", "meshConfig", "rootNamespace"), value))
    for path, namespace in roots:
        if namespace in writable:
            yield finding("prod-root-namespace-writable", path,
                          f"makes {namespace!a} the mesh's root namespace, where an object "
                          f"applies to every namespace: whoever may write there (application "
                          f"teams, CI) can open or close the whole mesh with one policy",
                          "keep the root namespace istio-system (or another namespace only the "
                          "mesh operators may write)")


def _allowed_namespaces(config: MeshConfig) -> set[str]:
    named = {rule.namespace for rule in config.authorization.allow}
    named |= {r.metadata.namespace for _, r in _extra(config, "AuthorizationPolicy")
              if r.spec.get("action", "ALLOW") == "ALLOW"}
    return named


def default_deny_without_allow(config: MeshConfig) -> Iterator[Finding]:
    if not config.authorization.default_deny:
        return
    allowed = _allowed_namespaces(config)
    if config.istio_namespace in allowed:
        return  # a mesh-wide allow rule may serve every namespace
    for i, namespace in enumerate(config.namespaces):
        enforced = has_sidecar_injection(namespace) or namespace.dataplane == "ambient"
        if enforced and namespace.name not in allowed:
            yield finding("default-deny-without-allow", ("namespaces", i),
                          f"{namespace.name!a} is in the mesh under default deny and no allow "
                          f"rule names it: every call to its workloads is refused",
                          f"add an authorization.allow rule with namespace: {namespace.name} "
                          f"for the calls it serves")


def _trusts_client_address(config: MeshConfig, index: int) -> bool:
    gateway = config.gateways[index]
    found, policy = value_at(gateway.extra_values, "service.externalTrafficPolicy")
    if found and policy == "Local":
        return True
    for _, istiod in istiods(config):
        if value_at(istiod.extra_values, "meshConfig.defaultConfig.gatewayTopology.numTrustedProxies")[0]:
            return True
    annotations = gateway.extra_values.get("podAnnotations")
    config_annotation = annotations.get("proxy.istio.io/config") if isinstance(annotations, Mapping) else None
    return isinstance(config_annotation, str) and "numTrustedProxies" in config_annotation


def ingress_ip_allow_without_client_ip(config: MeshConfig) -> Iterator[Finding]:
    index = {g.name: i for i, g in enumerate(config.gateways)}
    for i, entry in enumerate(config.authorization.ingress):
        if entry.remote_ip_blocks and not _trusts_client_address(config, index[entry.gateway]):
            yield finding("ingress-ip-allow-without-client-ip",
                          ("authorization", "ingress", i, "remoteIpBlocks"),
                          f"admits clients by address, but gateway {entry.gateway!a} sees the "
                          f"load balancer's or node's address, not the client's: no request "
                          f"matches and every client is refused",
                          "keep the client address: service.externalTrafficPolicy: Local in "
                          "the gateway's extraValues, or gatewayTopology.numTrustedProxies in "
                          "meshConfig.defaultConfig when a proxy in front sets X-Forwarded-For")


SECURITY_CHECKS = (
    identity_rule_without_mtls, address_points_at_proxy, auto_mtls_off_with_strict,
    client_tls_disabled_under_strict, extra_resource_lowers_mtls,
    extra_resource_allows_everything, envoy_filter, root_namespace_writable,
    default_deny_without_allow, ingress_ip_allow_without_client_ip,
)

"""The security pack's config sections: what they accept, and the exact text of what they refuse."""

from __future__ import annotations

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import parse_config
from istio_mesh.config.sidecars import has_sidecar_injection

TLS = "ports: [{number: 443, name: tls, protocol: TLS}]"
EGRESS_GW = "gateways: [{name: out, kind: egress}]\n"


def error_for(text: str) -> str:
    return shared_error_for(text).removeprefix("config/prod.yaml: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "authorization: {allow: [{name: a, namespace: shop, from: {}}]}",
            "authorization.allow[0].from: names no source; list serviceAccounts, gateways, "
            "namespaces or principals (namespaces: ['*'] allows any authenticated workload)",
            id="allow-without-source",
        ),
        pytest.param(
            "authorization: {allow: [{name: a, namespace: shop, from: {principals: ['spiffe://cluster.local/ns/a/sa/b']}}]}",
            "authorization.allow[0].from.principals[0]: got 'spiffe://cluster.local/ns/a/sa/b'; "
            "write principals without 'spiffe://', e.g. 'cluster.local/ns/shop/sa/web'",
            id="spiffe-prefix",
        ),
        pytest.param(
            "authorization: {allow: [{name: a, namespace: shop, from: {serviceAccounts: [checkout]}}]}",
            "authorization.allow[0].from.serviceAccounts[0]: got 'checkout'; must be "
            "'<namespace>/<service account>', e.g. 'shop/checkout'",
            id="service-account-without-namespace",
        ),
        pytest.param(
            "authorization: {allow: [{name: a, namespace: shop, from: {namespaces: [x]}, to: {methods: [get]}}]}",
            "authorization.allow[0].to.methods[0]: got 'get' (string); must be 'GET', 'HEAD', "
            "'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT' or 'TRACE'",
            id="lower-case-method",
        ),
        pytest.param(
            "authorization: {allow: [{name: a, namespace: shop, from: {namespaces: [x]}, to: {paths: [api/*]}}]}",
            "authorization.allow[0].to.paths[0]: got 'api/*'; must start with '/' (exact or "
            "'/prefix/*') or '*' (suffix or any)",
            id="relative-path",
        ),
        pytest.param(
            "authorization: {allow: [{name: a, namespace: shop, selector: {app: '*'}, from: {namespaces: [x]}}]}",
            "authorization.allow[0].selector: got {'app': '*'}; label keys and values must be "
            "non-empty and have no '*'",
            id="wildcard-selector",
        ),
        pytest.param(
            "authorization: {allow: [{name: a, namespace: shop, from: {gateways: [edge]}}]}",
            "authorization.allow[0].from.gateways[0]: 'edge' is not a gateway of this config; "
            "allowed: none defined",
            id="undefined-gateway-source",
        ),
        pytest.param(
            EGRESS_GW + "authorization: {ingress: [{gateway: out}]}",
            "authorization.ingress[0].gateway: 'out' is not an ingress gateway of this config; "
            "allowed: none defined",
            id="ingress-entry-on-egress-gateway",
        ),
        pytest.param(
            "authorization: {allow: [{name: a, namespace: kube-system, from: {namespaces: [x]}}]}",
            "authorization.allow[0].namespace: 'kube-system' runs system pods without sidecars; "
            "allowed: application namespaces or 'istio-system' (mesh-wide)",
            id="system-namespace",
        ),
        pytest.param(
            "authorization: {defaultDeny: true, allow: [{name: allow-nothing, namespace: istio-system, from: {namespaces: [x]}}]}",
            "authorization.allow[0].name: 'allow-nothing' in namespace 'istio-system' is already "
            "the name of the policy from authorization.defaultDeny; choose another name",
            id="name-of-the-default-deny",
        ),
        pytest.param(
            "gateways: [{name: in, kind: ingress}]\n"
            "authorization: {ingress: [{gateway: in, remoteIpBlocks: [10.0.0.300/8]}]}",
            "authorization.ingress[0].remoteIpBlocks[0]: got '10.0.0.300/8'; must be an IP "
            "address or CIDR block, e.g. '203.0.113.0/24'",
            id="bad-ip-block",
        ),
        pytest.param(
            "ca: {mode: external}",
            "ca.address: required for mode: external, e.g. 'cert-manager-istio-csr.cert-manager.svc:443'",
            id="external-ca-without-address",
        ),
        pytest.param(
            "ca: {mode: external, address: 'https://ca.example.com'}",
            "ca.address: got 'https://ca.example.com'; must be host:port",
            id="external-ca-address-is-a-url",
        ),
        pytest.param(
            "ca: {mode: plugin, address: 'ca:443'}",
            "ca.address: only used with mode: external (mode is plugin)",
            id="address-without-external",
        ),
        pytest.param(
            "ca: {revision: 2}",
            "ca.revision: only used with mode: plugin (mode is istiod)",
            id="revision-without-plugin",
        ),
        pytest.param(
            f"egress: {{services: [{{name: s, hosts: [a.com], {TLS}, egressGateway: egress}}]}}",
            "egress.services[0].egressGateway: 'egress' is not an egress gateway of this config; "
            "allowed: none defined (add one to gateways[])",
            id="undefined-egress-gateway",
        ),
        pytest.param(
            "gateways: [{name: in, kind: ingress}, {name: out, kind: egress}]\n"
            f"egress: {{services: [{{name: s, hosts: [a.com], {TLS}, egressGateway: in}}]}}",
            "egress.services[0].egressGateway: 'in' is not an egress gateway of this config; "
            "allowed: out",
            id="routing-through-an-ingress-gateway",
        ),
        pytest.param(
            "gateways: [{name: out, kind: egress, service: {ports: [{name: status-port, port: 15021}, {name: https, port: 443}]}}]\n"
            "egress: {services: [{name: s, hosts: [a.com], ports: [{number: 80, name: http, protocol: HTTP}], egressGateway: out}]}",
            "egress.services[0].egressGateway: gateway 'out' has no Service port named 'http' or "
            "'http2' for HTTP traffic; add one to its service.ports",
            id="egress-gateway-without-http-port",
        ),
        pytest.param(
            f"egress: {{services: [{{name: s, hosts: ['*.a.com'], {TLS}}}]}}",
            "egress.services[0].resolution: DNS cannot resolve the wildcard host '*.a.com'; use NONE",
            id="wildcard-with-dns",
        ),
        pytest.param(
            f"egress: {{services: [{{name: s, hosts: [a.com], {TLS}, resolution: STATIC}}]}}",
            "egress.services[0].endpoints: STATIC resolution needs at least one endpoint IP",
            id="static-without-endpoints",
        ),
        pytest.param(
            f"egress: {{services: [{{name: s, hosts: [a.com], {TLS}, resolution: STATIC, endpoints: [a.com]}}]}}",
            "egress.services[0].endpoints[0]: got 'a.com'; STATIC endpoints must be IP addresses",
            id="static-with-host-name",
        ),
        pytest.param(
            EGRESS_GW + "egress: {services: [{name: s, hosts: [a.com], ports: [{number: 5432, name: tcp, protocol: TCP}], egressGateway: out}]}",
            "egress.services[0].ports[0].protocol: TCP cannot be routed through an egress gateway; "
            "allowed: HTTP, HTTPS, TLS",
            id="tcp-through-egress-gateway",
        ),
        pytest.param(
            EGRESS_GW + f"egress: {{services: [{{name: s, hosts: [a.com, b.com], {TLS}, egressGateway: out}}]}}",
            "egress.services[0].hosts: routing through an egress gateway takes exactly one host, "
            "not a wildcard; list each host as its own service",
            id="two-hosts-through-egress-gateway",
        ),
        pytest.param(
            "egress: {services: [{name: s, hosts: [a.com], ports: [{number: 80, name: http, protocol: HTTP}], tlsOrigination: true}]}",
            "egress.services[0].tlsOrigination: TLS is originated at the egress gateway; set egressGateway",
            id="origination-without-gateway",
        ),
        pytest.param(
            EGRESS_GW + f"egress: {{services: [{{name: s, hosts: [a.com], {TLS}, egressGateway: out, tlsOrigination: true}}]}}",
            "egress.services[0].tlsOrigination: needs an HTTP port for workloads to call",
            id="origination-without-http-port",
        ),
        pytest.param(
            f"egress: {{services: [{{name: s, hosts: [a.com], {TLS}}}, {{name: t, hosts: [a.com], {TLS}}}]}}",
            "egress.services[1].hosts[0]: 'a.com' is already a host of egress.services[0]; list each host once",
            id="host-in-two-services",
        ),
        pytest.param(
            f"egress: {{services: [{{name: s, hosts: [A.com], {TLS}}}]}}",
            "egress.services[0].hosts[0]: got 'A.com'; must be a lower-case DNS name such as "
            "'api.example.com', or '*.example.com'",
            id="upper-case-host",
        ),
        pytest.param(
            "egress: {services: [{name: s, hosts: [a.com], ports: []}]}",
            "egress.services[0].ports: got []; must list at least one port",
            id="no-ports",
        ),
        pytest.param(
            "sidecarScope: {hosts: ['shared/*']}",
            "sidecarScope.enabled: is false, so hosts and namespaceHosts do nothing; set enabled: true",
            id="sidecar-hosts-while-disabled",
        ),
        pytest.param(
            "namespaces: [{name: shop, injection: false}]\n"
            "sidecarScope: {enabled: true, namespaceHosts: {shop: ['a/*']}}",
            "sidecarScope.namespaceHosts.shop: 'shop' is not an onboarded namespace with sidecar "
            "injection; allowed: none onboarded",
            id="sidecar-hosts-for-namespace-without-sidecars",
        ),
        pytest.param(
            "sidecarScope: {enabled: true, hosts: [payments]}",
            "sidecarScope.hosts[0]: got 'payments'; must be '<namespace>/<host>': namespace a "
            "name, '.', '*' or '~'; host a DNS name, '*.suffix' or '*' (e.g. 'payments/*')",
            id="sidecar-host-without-namespace",
        ),
        pytest.param(
            "extraResources: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: b}, spec: {}}]",
            "extraResources[0].apiVersion: got 'v1'; must be '<group>/<version>' of an Istio API "
            "group (*.istio.io), e.g. 'networking.istio.io/v1'; other objects belong in another stack",
            id="extra-resource-not-istio",
        ),
        pytest.param(
            "extraResources:\n"
            "  - {apiVersion: networking.istio.io/v1, kind: Sidecar, metadata: {name: a, namespace: b}, spec: {egress: [{hosts: ['./*']}]}}\n"
            "  - {apiVersion: networking.istio.io/v1beta1, kind: Sidecar, metadata: {name: a, namespace: b}, spec: {egress: [{hosts: ['./*']}]}}\n",
            "extraResources[1].metadata.name: Sidecar b/a is already extraResources[0]; list it once",
            id="extra-resource-twice",
        ),
        pytest.param(
            "mtls: {mode: STRICT}\n"
            "extraResources: [{apiVersion: security.istio.io/v1, kind: PeerAuthentication, "
            "metadata: {name: default, namespace: istio-system}, spec: {mtls: {mode: PERMISSIVE}}}]",
            "extraResources[0].metadata.name: PeerAuthentication istio-system/default is also "
            "generated from this config's typed settings; rename it or change the setting instead",
            id="extra-resource-shadows-a-generated-one",
        ),
        pytest.param(
            "lint: {waivers: [{rule: prod-access-logs, reason: audit}]}",
            "lint.waivers[0].rule: got 'prod-access-logs'; unknown rule (did you mean "
            "'prod-access-logs-everywhere'?); allowed: "
            "access-log-file-unused, access-log-in-container, address-points-at-proxy, "
            "auto-mtls-off-with-strict, client-tls-disabled-under-strict, crd-schema, "
            "default-deny-without-allow, empty-value, environment-unset, "
            "extra-values-override-typed, gateway-api-crds-skipped, identity-rule-without-mtls, "
            "image-tag-version-mismatch, ingress-closed-by-default-deny, "
            "ingress-ip-allow-without-client-ip, istio-minor-unsupported, istio-patch-behind, "
            "istio-version-unchecked, legacy-tracing, listener-port-protocol-mismatch, "
            "observability-version-mismatch, old-api-version, otlp-port-mismatch, "
            "placement-never-schedules, prod-access-logs-everywhere, "
            "prod-allow-from-every-namespace, prod-chart-repository-http, prod-demo-profile, "
            "prod-destroy-unprotected, prod-disruption-budget-blocks-drain, "
            "prod-egress-allow-any, prod-egress-gateway-public, prod-egress-plain-http, "
            "prod-egress-public-wildcard, prod-envoy-filter, "
            "prod-extra-resource-allows-everything, prod-extra-resource-lowers-mtls, "
            "prod-extra-values-allow-any, prod-extra-values-replace-ca, prod-floating-image-tag, "
            "prod-full-trace-sampling, prod-gateway-api-experimental, "
            "prod-gateway-api-single-pod, prod-gitops-default-project, "
            "prod-gitops-moving-revision, prod-helm-not-atomic, prod-ingress-plain-http, "
            "prod-kiali-anonymous, prod-memory-limit-too-small, prod-monitors-unlabelled, "
            "prod-mtls-not-strict, prod-mtls-override, prod-mtls-override-unknown-namespace, "
            "prod-no-default-deny, prod-no-istiod-alerts, prod-no-priority-class, "
            "prod-no-resource-requests, prod-node-agent-skips-tainted-nodes, "
            "prod-rollout-all-unavailable, prod-root-namespace-writable, prod-scrape-interval, "
            "prod-self-signed-ca, prod-single-gateway-pod, prod-single-istiod, "
            "prod-tolerates-every-taint, prod-trace-sampling-high, retired-istio-host, "
            "route-backend-denied, route-rule-shadowed, route-weights, scrape-interval-too-short, "
            "sidecar-scope-hides-allowed-call, spread-unknown-topology-key, "
            "telemetry-namespace-unknown, unknown-chart-value, unknown-kind, unknown-version, "
            "unused-waiver, values-rejected-at-apply, ztunnel-skips-nodes",
            id="waiver-for-unknown-rule",
        ),
        pytest.param(
            "lint: {waivers: [{rule: prod-single-istiod, reason: '  '}]}",
            "lint.waivers[0].reason: got '  '; must say why the finding is accepted",
            id="waiver-without-reason",
        ),
        pytest.param(
            "lint: {waivers: [{rule: prod-single-istiod, reason: a}, {rule: prod-single-istiod, reason: b}]}",
            "lint.waivers: got [{'rule': 'prod-single-istiod', 'reason': 'a'}, {'rule': "
            "'prod-single-istiod'...; rule waived more than once: prod-single-istiod",
            id="waiver-twice",
        ),
        pytest.param(
            "environment: prod",
            "environment: got 'prod' (string); must be 'development', 'staging' or 'production'",
            id="environment-spelling",
        ),
    ],
)
def test_refused_with_exact_message(text: str, message: str) -> None:
    assert error_for(text) == message


def test_defaults_change_nothing() -> None:
    config = config_from("{}")
    assert config.environment is None
    assert config.ca.mode == "istiod"
    assert not config.authorization.default_deny and config.authorization.allow == ()
    assert config.egress.services == () and config.extra_resources == ()
    assert not config.sidecar_scope.enabled


def test_from_is_the_yaml_key_for_sources() -> None:
    rule = config_from(
        "authorization: {allow: [{name: a, namespace: shop, from: {namespaces: ['*']}}]}"
    ).authorization.allow[0]
    assert rule.sources.namespaces == ("*",)


@pytest.mark.parametrize("pattern", ["*", "prod-*", "*-prod", "shop"])
def test_namespace_patterns_istio_matches(pattern: str) -> None:
    text = f"authorization: {{allow: [{{name: a, namespace: shop, from: {{namespaces: ['{pattern}']}}}}]}}"
    assert config_from(text).authorization.allow[0].sources.namespaces == (pattern,)


def test_sidecar_scope_is_keyed_on_injection() -> None:
    config = config_from("namespaces: [{name: a}, {name: b, injection: false}]")
    assert [has_sidecar_injection(ns) for ns in config.namespaces] == [True, False]


def test_tls_origination_needs_an_http_port_other_than_443() -> None:
    text = (EGRESS_GW + "egress: {services: [{name: s, hosts: [a.com], ports: [{number: 443, "
            "name: http, protocol: HTTP}], egressGateway: out, tlsOrigination: true}]}")
    assert error_for(text) == (
        "egress.services[0].tlsOrigination: the HTTP port cannot be 443, where TLS is "
        "originated; use 80"
    )

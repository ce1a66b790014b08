"""AuthorizationPolicy, egress and Sidecar objects, built without jsii."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import config_from
from istio_mesh.manifests.authorization import allow_policies, default_deny
from istio_mesh.manifests.egress import egress_manifests
from istio_mesh.config.objects import resource_address
from istio_mesh.plan import policies_plan
from istio_mesh.manifests.sidecars import sidecar_manifests

GATEWAYS = """
gateways:
  - name: istio-ingressgateway
    kind: ingress
    service:
      ports:
        - {name: status-port, port: 15021}
        - {name: http2, port: 80, targetPort: 8080}
        - {name: https, port: 443, targetPort: 8443}
  - name: partner
    kind: ingress
    namespace: partners
    extraValues: {serviceAccount: {name: partner-edge}}
  - name: istio-egressgateway
    kind: egress
"""


def by_name(manifests: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{m['kind']}/{m['metadata']['namespace']}/{m['metadata']['name']}": m for m in manifests}


def test_default_deny_is_an_allow_policy_without_rules_in_the_root_namespace() -> None:
    # Equivalent to Istio's documented `spec: {}`, without the empty block that
    # kubernetes_manifest mishandles.
    policy = default_deny(config_from("istioNamespace: mesh-root\nauthorization: {defaultDeny: true}"))
    assert policy == {
        "apiVersion": "security.istio.io/v1",
        "kind": "AuthorizationPolicy",
        "metadata": {"name": "allow-nothing", "namespace": "mesh-root"},
        "spec": {"action": "ALLOW"},
    }


def test_allow_rule_sources_are_ored_and_operations_anded() -> None:
    config = config_from(GATEWAYS + """
authorization:
  allow:
    - name: api
      namespace: shop
      selector: {app: api}
      from:
        serviceAccounts: [shop/web]
        gateways: [istio-ingressgateway, partner]
        principals: [cluster.local/ns/ops/sa/audit]
        namespaces: [monitoring]
      to: {ports: [8080, 9090], methods: [GET], paths: [/v1/*]}
""")
    assert allow_policies(config)[-1]["spec"] == {
        "selector": {"matchLabels": {"app": "api"}},
        "action": "ALLOW",
        "rules": [{
            "from": [
                {"source": {"principals": [
                    "cluster.local/ns/ops/sa/audit",
                    "cluster.local/ns/shop/sa/web",
                    "cluster.local/ns/istio-ingress/sa/istio-ingressgateway",
                    "cluster.local/ns/partners/sa/partner-edge",
                ]}},
                {"source": {"namespaces": ["monitoring"]}},
            ],
            "to": [{"operation": {"ports": ["8080", "9090"], "methods": ["GET"], "paths": ["/v1/*"]}}],
        }],
    }


def test_allow_rule_without_selector_or_operations_leaves_them_out() -> None:
    config = config_from("authorization: {allow: [{name: a, namespace: shop, from: {namespaces: [shop]}}]}")
    assert allow_policies(config)[0]["spec"] == {
        "action": "ALLOW", "rules": [{"from": [{"source": {"namespaces": ["shop"]}}]}]}


def test_ingress_gateway_policy_opens_its_serving_ports() -> None:
    config = config_from(GATEWAYS + """
authorization:
  ingress:
    - gateway: istio-ingressgateway
    - gateway: partner
      remoteIpBlocks: [203.0.113.0/24]
      hosts: [partners.example.com]
""")
    policies = by_name(allow_policies(config))
    # Authorization sees the port the proxy listens on: the Service's targetPort.
    assert policies["AuthorizationPolicy/istio-ingress/allow-istio-ingressgateway"]["spec"] == {
        "selector": {"matchLabels": {"app": "istio-ingressgateway"}},
        "action": "ALLOW",
        "rules": [{"to": [{"operation": {"ports": ["8080", "8443"]}}]}],
    }
    assert policies["AuthorizationPolicy/partners/allow-partner"]["spec"]["rules"] == [{
        "from": [{"source": {"remoteIpBlocks": ["203.0.113.0/24"]}}],
        "to": [{"operation": {"ports": ["80", "443"], "hosts": ["partners.example.com"]}}],
    }]


ROUTED = GATEWAYS + """
egress:
  services:
    - name: stripe
      hosts: [api.stripe.com]
      ports: [{number: 443, name: tls, protocol: TLS}]
      egressGateway: istio-egressgateway
    - name: ledger
      hosts: [ledger.example.com]
      ports: [{number: 80, name: http, protocol: HTTP}]
      egressGateway: istio-egressgateway
      tlsOrigination: true
    - name: direct
      hosts: [direct.example.com]
      ports: [{number: 443, name: https, protocol: HTTPS}]
"""


def test_egress_gateway_is_opened_to_mesh_workloads_only_under_default_deny() -> None:
    without = by_name(allow_policies(config_from(ROUTED)))
    assert "AuthorizationPolicy/istio-egress/allow-istio-egressgateway" not in without
    with_deny = by_name(allow_policies(config_from(ROUTED + "authorization: {defaultDeny: true}")))
    assert with_deny["AuthorizationPolicy/istio-egress/allow-istio-egressgateway"]["spec"] == {
        "selector": {"matchLabels": {"app": "istio-egressgateway"}},
        "action": "ALLOW",
        "rules": [{"from": [{"source": {"principals": ["*"]}}],
                   "to": [{"operation": {"ports": ["80", "443"]}}]}],
    }


def test_service_entry_for_a_direct_service() -> None:
    objects = by_name(egress_manifests(config_from(ROUTED)))
    assert objects["ServiceEntry/istio-system/direct"]["spec"] == {
        "hosts": ["direct.example.com"],
        "ports": [{"number": 443, "name": "https", "protocol": "HTTPS"}],
        "resolution": "DNS",
        "location": "MESH_EXTERNAL",
    }
    assert not [k for k in objects if k.endswith("/direct") and not k.startswith("ServiceEntry")]


def test_tls_passthrough_through_the_egress_gateway() -> None:
    objects = by_name(egress_manifests(config_from(ROUTED)))
    assert objects["Gateway/istio-egress/stripe"]["spec"] == {
        "selector": {"app": "istio-egressgateway"},
        "servers": [{"port": {"number": 443, "name": "tls", "protocol": "TLS"},
                     "hosts": ["api.stripe.com"], "tls": {"mode": "PASSTHROUGH"}}],
    }
    gateway = "istio-egressgateway.istio-egress.svc.cluster.local"
    assert objects["VirtualService/istio-system/stripe"]["spec"] == {
        "hosts": ["api.stripe.com"],
        "gateways": ["istio-egress/stripe", "mesh"],
        "tls": [
            {"match": [{"gateways": ["mesh"], "port": 443, "sniHosts": ["api.stripe.com"]}],
             "route": [{"destination": {"host": gateway, "port": {"number": 443}, "subset": "stripe"},
                        "weight": 100}]},
            {"match": [{"gateways": ["istio-egress/stripe"], "port": 443, "sniHosts": ["api.stripe.com"]}],
             "route": [{"destination": {"host": "api.stripe.com", "port": {"number": 443}}, "weight": 100}]},
        ],
    }


def test_tls_origination_at_the_egress_gateway_only() -> None:
    objects = by_name(egress_manifests(config_from(ROUTED)))
    # The egress gateway needs the host's 443 port in the registry to send TLS there.
    assert objects["ServiceEntry/istio-system/ledger"]["spec"]["ports"] == [
        {"number": 80, "name": "http", "protocol": "HTTP"},
        {"number": 443, "name": "https-origination", "protocol": "HTTPS"},
    ]
    http = objects["VirtualService/istio-system/ledger"]["spec"]["http"]
    assert http[1] == {
        "match": [{"gateways": ["istio-egress/ledger"], "port": 80}],
        "route": [{"destination": {"host": "ledger.example.com", "port": {"number": 443}}, "weight": 100}],
    }
    # Selected to the gateway's pods: a workload calling the host on 443 itself
    # is not wrapped in TLS a second time.
    assert objects["DestinationRule/istio-egress/ledger-tls-origination"]["spec"] == {
        "host": "ledger.example.com",
        "workloadSelector": {"matchLabels": {"app": "istio-egressgateway"}},
        "trafficPolicy": {"portLevelSettings": [
            {"port": {"number": 443}, "tls": {"mode": "SIMPLE", "sni": "ledger.example.com"}}]},
    }


def test_one_subset_destination_rule_per_egress_gateway() -> None:
    objects = by_name(egress_manifests(config_from(ROUTED)))
    assert objects["DestinationRule/istio-system/istio-egressgateway"]["spec"] == {
        "host": "istio-egressgateway.istio-egress.svc.cluster.local",
        "subsets": [{"name": "stripe"}, {"name": "ledger"}],
    }


SCOPED = ROUTED + """
namespaces: [{name: shop}, {name: payments}, {name: batch, injection: false}]
sidecarScope:
  enabled: true
  hosts: [shared/*]
  namespaceHosts: {shop: [payments/*, shared/*]}
"""


def test_sidecar_per_injected_namespace_with_its_hosts() -> None:
    sidecars = by_name(sidecar_manifests(config_from(SCOPED)))
    assert sorted(sidecars) == ["Sidecar/payments/default", "Sidecar/shop/default"]
    assert sidecars["Sidecar/shop/default"]["spec"] == {"egress": [{"hosts": [
        "./*",
        "istio-system/*",
        # routed egress must be visible to the scoped proxies
        "istio-egress/istio-egressgateway.istio-egress.svc.cluster.local",
        "shared/*",
        "payments/*",
    ]}]}


def test_no_sidecars_unless_enabled() -> None:
    assert sidecar_manifests(config_from("namespaces: [{name: shop}]")) == []


@pytest.mark.parametrize(
    ("manifest", "address"),
    [
        ({"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
          "metadata": {"name": "allow-web", "namespace": "shop"}}, "authorization_policy_shop_allow-web"),
        ({"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
          "metadata": {"name": "api.example.com", "namespace": "shop"}}, "destination_rule_shop_api_example_com"),
    ],
)
def test_terraform_addresses_come_from_kind_namespace_and_name(manifest: dict[str, Any], address: str) -> None:
    assert resource_address(manifest) == address


def _empty_paths(value: Any, path: str = "") -> list[str]:
    if isinstance(value, dict):
        return [path] * (not value) + [p for k, v in value.items() for p in _empty_paths(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [path] * (not value) + [p for i, v in enumerate(value) for p in _empty_paths(v, f"{path}[{i}]")]
    return []


def test_no_generated_object_holds_an_empty_map_or_list() -> None:
    # kubernetes_manifest reports an inconsistent result after apply for them.
    config = config_from(SCOPED + """
authorization:
  defaultDeny: true
  ingress: [{gateway: istio-ingressgateway}]
  allow: [{name: a, namespace: shop, from: {namespaces: [shop]}}]
""")
    assert {resource_address(m): p for m in (i.manifest for i in policies_plan(config).manifests) if (p := _empty_paths(m))} == {}

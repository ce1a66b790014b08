"""``manifests.egress`` turns ``egress.services`` into ServiceEntries and, for
services routed through an egress gateway, the Gateway, VirtualService and
DestinationRules of Istio's egress gateway task. This file checks each
builder's exact object for small configs (tests/manifests/test_authorization.py
covers the TLS passthrough and origination routes of a shared example)."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.egress import ExternalService
from istio_mesh.manifests.egress import (
    egress_gateway,
    egress_manifests,
    egress_virtual_service,
    gateway_subsets,
    routed_gateway_hosts,
    service_entry,
    service_host,
    tls_origination,
)

# An egress gateway in a namespace of its own with ports of its own, so every
# expectation shows which port and namespace come from the gateway.
GATEWAY = """
gateways:
  - name: egress-edge
    kind: egress
    namespace: edge-out
    service:
      ports:
        - {name: status-port, port: 15021}
        - {name: http-web, port: 8080}
        - {name: tls-pass, port: 8443}
"""

ROUTED_HTTP = GATEWAY + """
egress:
  services:
    - name: catalog
      hosts: [catalog.example.com]
      ports: [{number: 80, name: http, protocol: HTTP}]
      egressGateway: egress-edge
"""


def _service(config: MeshConfig, name: str) -> ExternalService:
    return next(s for s in config.egress.services if s.name == name)


def test_a_gateway_service_host_is_its_cluster_local_name_in_its_namespace() -> None:
    config = config_from(GATEWAY)
    assert service_host(config.gateways[0]) == "egress-edge.edge-out.svc.cluster.local"


def test_a_gateway_without_a_namespace_lives_in_istio_egress() -> None:
    config = config_from("gateways: [{name: istio-egressgateway, kind: egress}]")
    assert service_host(config.gateways[0]) == "istio-egressgateway.istio-egress.svc.cluster.local"


def test_a_direct_service_entry_is_in_the_root_namespace_with_dns_resolution() -> None:
    config = config_from(
        "istioNamespace: mesh-root\n"
        "egress: {services: [{name: api, hosts: [api.example.com, api2.example.com],"
        " ports: [{number: 443, name: https, protocol: HTTPS}]}]}"
    )
    assert service_entry(config, _service(config, "api")) == {
        "apiVersion": "networking.istio.io/v1",
        "kind": "ServiceEntry",
        "metadata": {"name": "api", "namespace": "mesh-root"},
        "spec": {
            "hosts": ["api.example.com", "api2.example.com"],
            "ports": [{"number": 443, "name": "https", "protocol": "HTTPS"}],
            "resolution": "DNS",
            "location": "MESH_EXTERNAL",
        },
    }


def test_a_static_service_entry_lists_its_endpoint_addresses() -> None:
    config = config_from(
        "egress: {services: [{name: db, hosts: [db.internal.example], resolution: STATIC,"
        " location: MESH_INTERNAL, endpoints: [10.0.0.5, 10.0.0.6],"
        " ports: [{number: 5432, name: tcp-pg, protocol: TCP}]}]}"
    )
    assert service_entry(config, _service(config, "db"))["spec"] == {
        "hosts": ["db.internal.example"],
        "ports": [{"number": 5432, "name": "tcp-pg", "protocol": "TCP"}],
        "resolution": "STATIC",
        "location": "MESH_INTERNAL",
        "endpoints": [{"address": "10.0.0.5"}, {"address": "10.0.0.6"}],
    }


def test_tls_origination_adds_no_second_443_port_when_the_service_lists_one() -> None:
    config = config_from(GATEWAY + """
egress:
  services:
    - name: ledger
      hosts: [ledger.example.com]
      ports: [{number: 80, name: http, protocol: HTTP}, {number: 443, name: https, protocol: HTTPS}]
      egressGateway: egress-edge
      tlsOrigination: true
""")
    assert service_entry(config, _service(config, "ledger"))["spec"]["ports"] == [
        {"number": 80, "name": "http", "protocol": "HTTP"},
        {"number": 443, "name": "https", "protocol": "HTTPS"},
    ]


def test_an_http_service_gets_one_http_server_on_the_gateways_http_port() -> None:
    config = config_from(ROUTED_HTTP)
    assert egress_gateway(config, _service(config, "catalog")) == {
        "apiVersion": "networking.istio.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "catalog", "namespace": "edge-out"},
        "spec": {
            "selector": {"app": "egress-edge"},
            "servers": [{"port": {"number": 8080, "name": "http", "protocol": "HTTP"},
                         "hosts": ["catalog.example.com"]}],
        },
    }


def test_an_http_route_goes_to_the_gateway_then_on_to_the_hosts_own_port() -> None:
    config = config_from(ROUTED_HTTP)
    assert egress_virtual_service(config, _service(config, "catalog")) == {
        "apiVersion": "networking.istio.io/v1",
        "kind": "VirtualService",
        "metadata": {"name": "catalog", "namespace": "istio-system"},
        "spec": {
            "hosts": ["catalog.example.com"],
            "gateways": ["edge-out/catalog", "mesh"],
            "http": [
                {"match": [{"gateways": ["mesh"], "port": 80}],
                 "route": [{"destination": {"host": "egress-edge.edge-out.svc.cluster.local",
                                            "port": {"number": 8080}, "subset": "catalog"},
                            "weight": 100}]},
                {"match": [{"gateways": ["edge-out/catalog"], "port": 8080}],
                 "route": [{"destination": {"host": "catalog.example.com", "port": {"number": 80}},
                            "weight": 100}]},
            ],
        },
    }


def test_a_tls_service_is_passed_through_on_the_gateways_tls_port() -> None:
    config = config_from(GATEWAY + """
egress:
  services:
    - name: pay
      hosts: [pay.example.com]
      ports: [{number: 443, name: tls, protocol: TLS}]
      egressGateway: egress-edge
""")
    service = _service(config, "pay")
    assert egress_gateway(config, service)["spec"]["servers"] == [
        {"port": {"number": 8443, "name": "tls", "protocol": "TLS"},
         "hosts": ["pay.example.com"], "tls": {"mode": "PASSTHROUGH"}},
    ]
    routes = egress_virtual_service(config, service)["spec"]
    assert "http" not in routes
    assert routes["tls"][1] == {
        "match": [{"gateways": ["edge-out/pay"], "port": 8443, "sniHosts": ["pay.example.com"]}],
        "route": [{"destination": {"host": "pay.example.com", "port": {"number": 443}}, "weight": 100}],
    }


def test_tls_origination_is_opened_only_by_the_gateways_pods() -> None:
    config = config_from(ROUTED_HTTP.replace("egressGateway: egress-edge", "egressGateway: egress-edge\n"
                                             "      tlsOrigination: true"))
    assert tls_origination(config, _service(config, "catalog")) == {
        "apiVersion": "networking.istio.io/v1",
        "kind": "DestinationRule",
        "metadata": {"name": "catalog-tls-origination", "namespace": "edge-out"},
        "spec": {
            "host": "catalog.example.com",
            "workloadSelector": {"matchLabels": {"app": "egress-edge"}},
            "trafficPolicy": {"portLevelSettings": [
                {"port": {"number": 443}, "tls": {"mode": "SIMPLE", "sni": "catalog.example.com"}}]},
        },
    }


def test_the_subset_rule_names_one_subset_per_service_routed_through_the_gateway() -> None:
    config = config_from(ROUTED_HTTP + """
    - name: search
      hosts: [search.example.com]
      ports: [{number: 80, name: http, protocol: HTTP}]
      egressGateway: egress-edge
    - name: direct
      hosts: [direct.example.com]
      ports: [{number: 80, name: http, protocol: HTTP}]
""")
    assert gateway_subsets(config, config.gateways[0]) == {
        "apiVersion": "networking.istio.io/v1",
        "kind": "DestinationRule",
        "metadata": {"name": "egress-edge", "namespace": "istio-system"},
        "spec": {
            "host": "egress-edge.edge-out.svc.cluster.local",
            "subsets": [{"name": "catalog"}, {"name": "search"}],
        },
    }


def test_no_egress_services_make_no_objects() -> None:
    assert egress_manifests(config_from(GATEWAY)) == []


def test_objects_come_per_service_then_one_subset_rule_per_gateway() -> None:
    config = config_from(ROUTED_HTTP.replace("egressGateway: egress-edge", "egressGateway: egress-edge\n"
                                             "      tlsOrigination: true") + """
    - name: direct
      hosts: [direct.example.com]
      ports: [{number: 443, name: https, protocol: HTTPS}]
""")
    assert [(m["kind"], m["metadata"]["namespace"], m["metadata"]["name"]) for m in egress_manifests(config)] == [
        ("ServiceEntry", "istio-system", "catalog"),
        ("Gateway", "edge-out", "catalog"),
        ("VirtualService", "istio-system", "catalog"),
        ("DestinationRule", "edge-out", "catalog-tls-origination"),
        ("ServiceEntry", "istio-system", "direct"),
        ("DestinationRule", "istio-system", "egress-edge"),
    ]


def test_routed_gateway_hosts_name_the_gateway_service_in_its_namespace() -> None:
    assert routed_gateway_hosts(config_from(ROUTED_HTTP)) == ["edge-out/egress-edge.edge-out.svc.cluster.local"]


def test_an_egress_gateway_no_service_routes_through_is_not_a_sidecar_host() -> None:
    assert routed_gateway_hosts(config_from(GATEWAY)) == []

"""Production availability rules (one-pod gateways, non-atomic Helm releases,
unprotected destroy, public egress gateways, plain-HTTP egress): each check is
called on its own, on a config built from YAML, and must report the exact
finding for a dangerous config and none for the nearest safe one."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.lint.rules import Check
from istio_mesh.lint.rules_availability import (
    AVAILABILITY_CHECKS, destroy_unprotected, egress_gateway_public, egress_plain_http,
    helm_not_atomic, single_gateway_pod,
)


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes for the YAML."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


PROD = "environment: production\n"


def test_every_availability_rule_is_registered() -> None:
    assert AVAILABILITY_CHECKS == (single_gateway_pod, helm_not_atomic, destroy_unprotected,
                                   egress_gateway_public, egress_plain_http)


# --- prod-single-gateway-pod --------------------------------------------------------------

def test_a_one_pod_ingress_gateway_without_autoscaler_in_production_is_an_error() -> None:
    text = PROD + ("gateways:\n- {name: web, kind: ingress, replicas: 1, "
                   "autoscaling: {enabled: false}}\n")
    [f] = single_gateway_pod(config_from(text))
    assert (f.rule, f.path, f.severity) == ("prod-single-gateway-pod", "gateways[0].replicas", "error")
    assert f.message.startswith("is 1 and no autoscaler runs: ")


def test_a_one_pod_autoscaler_floor_is_named_as_the_cause() -> None:
    text = PROD + ("gateways:\n- name: web\n  kind: ingress\n  replicas: 1\n"
                   "  autoscaling: {enabled: true, maxReplicas: 5}\n")
    [f] = single_gateway_pod(config_from(text))
    assert f.path == "gateways[0].replicas"
    assert f.message.startswith("is 1 and the autoscaler's floor is that one pod: ")


def test_a_two_pod_ingress_gateway_in_production_is_accepted() -> None:
    assert found(single_gateway_pod, PROD + "gateways:\n- {name: web, kind: ingress, replicas: 2}\n") == []


def test_a_one_pod_east_west_gateway_in_production_is_an_error() -> None:
    text = PROD + ("mesh: {meshId: mesh1}\nmulticluster: {clusterName: east, network: net-east}\n"
                   "gateways:\n- {name: ew, kind: eastwest, replicas: 1}\n")
    assert found(single_gateway_pod, text) == [("prod-single-gateway-pod", "gateways[0].replicas", "error")]


def test_a_one_pod_egress_gateway_no_service_is_routed_through_serves_nothing() -> None:
    text = PROD + "gateways:\n- {name: out, kind: egress, replicas: 1}\n"
    assert found(single_gateway_pod, text) == []


def test_a_one_pod_egress_gateway_a_service_is_routed_through_is_an_error() -> None:
    text = PROD + """\
gateways:
- {name: out, kind: egress, replicas: 1}
egress:
  services:
  - name: stripe
    hosts: [api.stripe.com]
    ports: [{number: 443, name: tls, protocol: TLS}]
    egressGateway: out
"""
    assert found(single_gateway_pod, text) == [("prod-single-gateway-pod", "gateways[0].replicas", "error")]


def test_a_one_pod_gateway_outside_production_is_not_judged() -> None:
    text = "environment: staging\ngateways:\n- {name: web, kind: ingress, replicas: 1}\n"
    assert found(single_gateway_pod, text) == []


# --- prod-helm-not-atomic -----------------------------------------------------------------

def test_non_atomic_helm_releases_in_production_are_a_warning() -> None:
    assert found(helm_not_atomic, PROD + "helm: {atomic: false}\n") == [
        ("prod-helm-not-atomic", "helm.atomic", "warning")]


def test_atomic_helm_releases_in_production_are_accepted() -> None:
    assert found(helm_not_atomic, PROD + "helm: {atomic: true}\n") == []


def test_non_atomic_helm_releases_outside_production_are_not_judged() -> None:
    assert found(helm_not_atomic, "environment: development\nhelm: {atomic: false}\n") == []


# --- prod-destroy-unprotected -------------------------------------------------------------

CREATED = "namespaces:\n- {name: shop, create: true}\n- {name: legacy}\n"


def test_an_unprotected_production_mesh_that_created_namespaces_is_an_error_naming_them() -> None:
    text = PROD + "protection: {preventDestroy: false}\n" + CREATED
    [f] = destroy_unprotected(config_from(text))
    assert (f.rule, f.path, f.severity) == ("prod-destroy-unprotected", "protection.preventDestroy", "error")
    assert "(shop)" in f.message


def test_a_protected_production_mesh_that_created_namespaces_is_accepted() -> None:
    assert found(destroy_unprotected, PROD + "protection: {preventDestroy: true}\n" + CREATED) == []


def test_an_unprotected_production_mesh_that_created_no_namespace_deletes_nothing_of_value() -> None:
    text = PROD + "protection: {preventDestroy: false}\nnamespaces:\n- {name: shop}\n"
    assert found(destroy_unprotected, text) == []


# --- prod-egress-gateway-public -----------------------------------------------------------

def egress_gateway(extra: str) -> str:
    return PROD + "gateways:\n- name: out\n  kind: egress\n" + extra


def test_a_public_load_balancer_egress_gateway_in_production_is_an_error_on_its_service_type() -> None:
    text = egress_gateway("  service: {type: LoadBalancer}\n")
    assert found(egress_gateway_public, text) == [
        ("prod-egress-gateway-public", "gateways[0].service.type", "error")]


def test_an_internal_load_balancer_egress_gateway_is_accepted() -> None:
    text = egress_gateway("  service:\n    type: LoadBalancer\n    annotations:\n"
                          "      networking.gke.io/load-balancer-type: Internal\n")
    assert found(egress_gateway_public, text) == []


def test_a_node_port_egress_gateway_is_an_error() -> None:
    [f] = egress_gateway_public(config_from(egress_gateway("  service: {type: NodePort}\n")))
    assert (f.rule, f.path, f.severity) == ("prod-egress-gateway-public", "gateways[0].service.type", "error")
    assert "listens on a port of every node" in f.message


def test_a_public_service_type_set_in_extra_values_is_reported_there() -> None:
    text = egress_gateway("  extraValues: {service: {type: LoadBalancer}}\n")
    assert found(egress_gateway_public, text) == [
        ("prod-egress-gateway-public", "gateways[0].extraValues.service.type", "error")]


def test_a_cluster_ip_egress_gateway_is_accepted() -> None:
    assert found(egress_gateway_public, egress_gateway("  service: {type: ClusterIP}\n")) == []


def test_a_public_ingress_gateway_is_not_an_egress_gateway() -> None:
    text = PROD + "gateways:\n- {name: web, kind: ingress, service: {type: LoadBalancer}}\n"
    assert found(egress_gateway_public, text) == []


# --- prod-egress-plain-http ---------------------------------------------------------------

def egress_service(port: str, extra: str = "") -> str:
    return PROD + ("egress:\n  services:\n  - name: partner\n    hosts: [api.partner.example]\n"
                   f"    ports:\n    - {port}\n" + extra)


def test_plain_http_to_an_external_host_in_production_is_a_warning_on_the_ports_protocol() -> None:
    text = egress_service("{number: 80, name: http, protocol: HTTP}")
    assert found(egress_plain_http, text) == [
        ("prod-egress-plain-http", "egress.services[0].ports[0].protocol", "warning")]


def test_tls_to_an_external_host_is_accepted() -> None:
    assert found(egress_plain_http, egress_service("{number: 443, name: tls, protocol: TLS}")) == []


def test_plain_http_an_egress_gateway_originates_tls_for_is_accepted() -> None:
    text = ("gateways:\n- {name: out, kind: egress}\n"
            + egress_service("{number: 80, name: http, protocol: HTTP}",
                             "    egressGateway: out\n    tlsOrigination: true\n"))
    assert found(egress_plain_http, text) == []


def test_plain_http_to_an_external_host_outside_production_is_not_judged() -> None:
    text = egress_service("{number: 80, name: http, protocol: HTTP}").replace(
        "environment: production", "environment: staging")
    assert found(egress_plain_http, text) == []

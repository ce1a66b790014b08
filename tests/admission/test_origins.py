"""Which config field produced each planned object, and which field inside
that entry produced a field of the object (istio_mesh.admission.origins).
This file checks Origin's two answers, the Gateway, HTTPRoute and Telemetry
field maps, and the origin of every item of two plans: a Gateway API ingress
and an ambient cluster with a revision, a waypoint, telemetry overrides and
an extra resource."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, config_from
from istio_mesh.admission.origins import (
    Origin, gateway_fields, identity, item_origin, manifest_origins, route_fields, telemetry_fields,
)
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan import ManifestItem, SecretItem, cluster_plan

INGRESS = config_from((FIXTURES / "full" / "gateway-api-ingress.yaml").read_text())
"""Gateway ``web`` (gateway-api; routes storefront in shop and status), a chart
egress gateway, namespace shop, default deny with allow rules."""

AMBIENT = config_from("""
environment: development
connection: {mode: kubeconfig, context: dev}
istio: {profile: ambient}
cni: {enabled: true}
ztunnel: {enabled: true}
defaultRevision: canary
revisions:
  - {name: canary, version: "1.30.3"}
namespaces:
  - {name: shop, create: true, dataplane: ambient, waypoint: true}
mesh:
  telemetry:
    accessLogging: {disabled: false}
    namespaces:
      shop: {accessLogging: {disabled: true}}
extraResources:
  - apiVersion: networking.istio.io/v1
    kind: ServiceEntry
    metadata: {name: db, namespace: shop}
    spec: {hosts: [db.example.com], ports: [{number: 5432, name: tcp, protocol: TCP}]}
""")


def _origins_by_address(config: MeshConfig) -> dict[str, list[tuple[str | int, ...]]]:
    plan = cluster_plan(config)
    typed = manifest_origins(config)
    return {item.address: [o.field for o in item_origin(config, item, typed)]
            for item in (*plan.mesh.items, *plan.policies.items)}


# -- identity ---------------------------------------------------------------------


def test_identity_is_group_kind_namespace_and_name() -> None:
    manifest = {"apiVersion": "networking.istio.io/v1", "kind": "Sidecar",
                "metadata": {"name": "default", "namespace": "shop"}}
    assert identity(manifest) == ("networking.istio.io", "Sidecar", "shop", "default")


def test_a_core_cluster_scoped_object_has_no_group_and_no_namespace() -> None:
    assert identity({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}) == (
        "", "Namespace", "", "shop")


# -- Origin ----------------------------------------------------------------------


def test_an_origin_without_a_field_map_names_the_entry_and_the_object_field() -> None:
    origin = Origin(("egress", 2))
    assert origin.at(("spec", "hosts", 0)) == ("egress[2]", "spec.hosts[0]")
    assert origin.config_path(("spec", "hosts", 0)) is None


def test_an_origin_of_the_whole_config_reads_top_level_and_the_whole_object() -> None:
    assert Origin(()).at(()) == ("(top level)", "(the object)")


def test_a_mapped_object_field_names_the_config_field_alone() -> None:
    origin = Origin(("gateways", 0), gateway_fields)
    assert origin.at(("spec", "listeners", 1, "hostname")) == ("gateways[0].listeners[1].hostname", "")
    assert origin.config_path(("spec", "listeners", 1, "hostname")) == ("gateways", 0, "listeners", 1, "hostname")


# -- gateway_fields ----------------------------------------------------------------


@pytest.mark.parametrize(("path", "expected"), [
    pytest.param(("metadata", "name"), ("name",), id="name"),
    pytest.param(("metadata", "namespace"), ("namespace",), id="namespace"),
    pytest.param(("spec", "listeners"), ("listeners",), id="listeners"),
    pytest.param(("spec", "listeners", 2), ("listeners", 2), id="one-listener"),
    pytest.param(("spec", "listeners", 1, "tls", "certificateRefs", 0), ("listeners", 1, "certificateSecret"),
                 id="tls-is-the-certificate-secret"),
    pytest.param(("spec", "listeners", 1, "port"), ("listeners", 1, "port"), id="port"),
    pytest.param(("spec", "listeners", 1, "allowedRoutes"), ("listeners", 1), id="unmapped-listener-field"),
])
def test_a_gateways_field_maps_to_the_gateway_entry(path: tuple[str | int, ...], expected: tuple[str | int, ...]) -> None:
    assert gateway_fields(path) == expected


@pytest.mark.parametrize("path", [("metadata", "labels"), ("spec", "gatewayClassName"), ("kind",)])
def test_a_gateway_field_the_config_does_not_set_maps_to_nothing(path: tuple[str | int, ...]) -> None:
    assert gateway_fields(path) is None


# -- route_fields ------------------------------------------------------------------


@pytest.mark.parametrize(("path", "expected"), [
    pytest.param(("metadata", "namespace"), ("namespace",), id="namespace"),
    pytest.param(("spec", "hostnames"), ("hostnames",), id="hostnames"),
    pytest.param(("spec", "hostnames", 2), ("hostnames", 2), id="one-hostname"),
    pytest.param(("spec", "parentRefs", 0, "sectionName"), ("listener",), id="parent-is-the-listener"),
    pytest.param(("spec", "rules"), ("rules",), id="rules"),
    pytest.param(("spec", "rules", 1), ("rules", 1), id="one-rule"),
    pytest.param(("spec", "rules", 1, "matches", 0, "path", "value"), ("rules", 1, "path"), id="match-is-the-path"),
    pytest.param(("spec", "rules", 1, "backendRefs", 0, "port"), ("rules", 1, "port"), id="backend-port"),
    pytest.param(("spec", "rules", 1, "backendRefs", 0, "name"), ("rules", 1, "service"), id="backend-service"),
    pytest.param(("spec", "rules", 0, "retry", "codes", 1), ("rules", 0, "retry", "codes", 1), id="retry"),
    pytest.param(("spec", "rules", 0, "filters"), ("rules", 0), id="unmapped-rule-field"),
])
def test_a_routes_field_maps_to_the_route_entry(path: tuple[str | int, ...], expected: tuple[str | int, ...]) -> None:
    assert route_fields(path) == expected


def test_a_route_field_the_config_does_not_set_maps_to_nothing() -> None:
    assert route_fields(("metadata", "labels")) is None
    assert route_fields(("kind",)) is None


# -- telemetry_fields --------------------------------------------------------------


@pytest.mark.parametrize(("path", "expected"), [
    pytest.param(("spec", "accessLogging", 0, "filter", "expression"), ("accessLogging", "filter"),
                 id="one-item-list-is-the-section"),
    pytest.param(("spec", "tracing", 0, "providers", 0, "name"), ("tracing", "providers", 0), id="provider"),
    pytest.param(("spec", "tracing", 0), ("tracing",), id="section-item"),
    pytest.param(("spec", "metrics"), ("metrics",), id="section"),
])
def test_a_telemetrys_field_maps_to_its_policy(path: tuple[str | int, ...], expected: tuple[str | int, ...]) -> None:
    assert telemetry_fields(path) == expected


@pytest.mark.parametrize("path", [("spec",), ("spec", "selector"), ("metadata", "name")])
def test_a_telemetry_field_outside_the_sections_maps_to_nothing(path: tuple[str | int, ...]) -> None:
    assert telemetry_fields(path) is None


# -- manifest_origins / item_origin ---------------------------------------------------


def test_the_typed_entries_of_an_ingress_produce_its_gateway_and_routes() -> None:
    assert {key: [o.field for o in origins] for key, origins in manifest_origins(INGRESS).items()} == {
        ("gateway.networking.k8s.io", "Gateway", "istio-ingress", "web"): [("gateways", 0)],
        ("gateway.networking.k8s.io", "HTTPRoute", "shop", "storefront"): [("gateways", 0, "routes", 0)],
        ("gateway.networking.k8s.io", "HTTPRoute", "istio-ingress", "status"): [("gateways", 0, "routes", 1)],
    }


def test_every_item_of_an_ingress_plan_is_traced_to_its_entry() -> None:
    assert _origins_by_address(INGRESS) == {
        "helm_release.istio-base": [("istio",)],
        "helm_release.gateway-api-crds": [("gatewayApi",)],
        "helm_release.istiod": [("istiod",)],
        "helm_release.istio-egressgateway": [("gateways", 1)],
        "kubernetes_namespace_v1.shop": [("namespaces", 0)],
        "kubernetes_namespace_v1.istio-ingress": [("gateways", 0, "namespace")],
        "kubernetes_manifest.peer_authentication_istio-system": [("mtls",)],
        "kubernetes_manifest.authorization_policy_istio-ingress_allow-web": [("authorization",)],
        "kubernetes_manifest.authorization_policy_shop_storefront-from-web": [("authorization",)],
        "kubernetes_manifest.authorization_policy_istio-system_allow-nothing": [("authorization",)],
        "kubernetes_manifest.gateway_istio-ingress_web": [("gateways", 0)],
        "kubernetes_manifest.http_route_shop_storefront": [("gateways", 0, "routes", 0)],
        "kubernetes_manifest.http_route_istio-ingress_status": [("gateways", 0, "routes", 1)],
    }


def test_every_item_of_an_ambient_plan_is_traced_to_its_entry() -> None:
    assert _origins_by_address(AMBIENT) == {
        "helm_release.istio-base": [("istio",)],
        "helm_release.gateway-api-crds": [("gatewayApi",)],
        "helm_release.istiod-canary": [("revisions",)],
        "helm_release.istio-cni": [("cni",)],
        "helm_release.ztunnel": [("ztunnel",)],
        "kubernetes_manifest.revision_tag_default_webhook": [("revisionTags",)],
        "kubernetes_manifest.revision_tag_default_service": [("revisionTags",)],
        "kubernetes_namespace_v1.shop": [("namespaces", 0)],
        "kubernetes_manifest.peer_authentication_istio-system": [("mtls",)],
        "kubernetes_manifest.waypoint_shop": [("namespaces", 0, "waypoint")],
        "kubernetes_manifest.extra_service_entry_shop_db": [("extraResources", 0)],
        "kubernetes_manifest.telemetry_istio-system_mesh-default": [("mesh", "telemetry")],
        "kubernetes_manifest.telemetry_shop_namespace-default": [("mesh", "telemetry", "namespaces", "shop")],
    }


def test_an_extra_resources_fields_map_to_themselves() -> None:
    [origin] = manifest_origins(AMBIENT)[("networking.istio.io", "ServiceEntry", "shop", "db")]
    assert origin.at(("spec", "ports", 0, "number")) == ("extraResources[0].spec.ports[0].number", "")


def test_a_waypoints_fields_have_no_finer_mapping() -> None:
    [origin] = manifest_origins(AMBIENT)[("gateway.networking.k8s.io", "Gateway", "shop", "waypoint")]
    assert origin.at(("spec", "listeners")) == ("namespaces[0].waypoint", "spec.listeners")


def test_a_manifest_of_a_kind_without_a_section_is_traced_to_the_top_level() -> None:
    item = ManifestItem("x", {"apiVersion": "example.io/v1", "kind": "Widget", "metadata": {"name": "w"}})
    assert [o.field for o in item_origin(INGRESS, item, {})] == [()]


def test_an_item_with_no_entry_of_its_own_is_traced_to_the_top_level() -> None:
    secret = SecretItem("cacerts", "cacerts", "istio-system", {}, 1, ())
    assert [o.field for o in item_origin(INGRESS, secret, {})] == [()]

"""Security rules (identity rules without mTLS, addresses that point a proxy at
itself, mTLS switched off behind the typed settings, extra resources that
open the mesh, a writable root namespace, default deny with no allow rule, IP
allow lists that never see the client): each check is called on its own, on a
config built from YAML, and must report the exact finding for a dangerous
config and none for the nearest safe one."""

from __future__ import annotations

import pytest

from conftest import config_from
from istio_mesh.config.namespaces import MtlsMode
from istio_mesh.lint.rules import Check
from istio_mesh.lint.rules_security import (
    SECURITY_CHECKS, address_points_at_proxy, auto_mtls_off_with_strict, client_tls_disabled_under_strict,
    default_deny_without_allow, envoy_filter, extra_resource_allows_everything, extra_resource_lowers_mtls,
    identity_rule_without_mtls, ingress_ip_allow_without_client_ip, mtls_mode, root_namespace_writable,
)


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes for the YAML."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


PROD = "environment: production\n"


def extra(kind: str, namespace: str, spec: str, api: str = "security.istio.io/v1") -> str:
    return (f"extraResources:\n- apiVersion: {api}\n  kind: {kind}\n"
            f"  metadata: {{name: extra, namespace: {namespace}}}\n  spec: {spec}\n")


def test_every_security_rule_is_registered() -> None:
    assert len(SECURITY_CHECKS) == 10
    assert SECURITY_CHECKS[0] is identity_rule_without_mtls
    assert SECURITY_CHECKS[-1] is ingress_ip_allow_without_client_ip


# --- mtls_mode ----------------------------------------------------------------------------

def test_a_namespace_without_an_override_has_the_mesh_wide_mode() -> None:
    config = config_from("mtls: {mode: STRICT, namespaceOverrides: {legacy: DISABLE}}\n")
    assert mtls_mode(config, "shop") == MtlsMode.STRICT


def test_a_namespace_with_an_override_has_the_overrides_mode() -> None:
    config = config_from("mtls: {mode: STRICT, namespaceOverrides: {legacy: DISABLE}}\n")
    assert mtls_mode(config, "legacy") == MtlsMode.DISABLE


# --- identity-rule-without-mtls -----------------------------------------------------------

def identity_rule(mode: str) -> str:
    return (f"mtls: {{mode: STRICT, namespaceOverrides: {{legacy: {mode}}}}}\n"
            "namespaces: [{name: shop}, {name: legacy}]\n"
            "authorization:\n  defaultDeny: true\n  allow:\n"
            "  - {name: within-shop, namespace: shop, from: {namespaces: [shop]}}\n"
            "  - {name: billing-from-web, namespace: legacy, from: {serviceAccounts: [shop/web]}}\n")


def test_an_identity_rule_in_a_namespace_with_mtls_disabled_is_an_error_on_its_sources() -> None:
    assert found(identity_rule_without_mtls, identity_rule("DISABLE")) == [
        ("identity-rule-without-mtls", "authorization.allow[1].from", "error")]


def test_an_identity_rule_in_a_permissive_namespace_still_sees_mtls_callers() -> None:
    assert found(identity_rule_without_mtls, identity_rule("PERMISSIVE")) == []


def test_an_identity_rule_under_mesh_wide_mtls_off_is_an_error() -> None:
    text = ("mtls: {mode: DISABLE}\nnamespaces: [{name: shop}]\nauthorization:\n  defaultDeny: true\n"
            "  allow:\n  - {name: within-shop, namespace: shop, from: {namespaces: [shop]}}\n")
    assert found(identity_rule_without_mtls, text) == [
        ("identity-rule-without-mtls", "authorization.allow[0].from", "error")]


# --- address-points-at-proxy --------------------------------------------------------------

@pytest.mark.parametrize("address", ["localhost:15012", "127.0.0.1:15012", "0.0.0.0:15012",
                                     "ca.localhost:443"])
def test_an_external_ca_address_on_loopback_is_an_error(address: str) -> None:
    text = f"ca: {{mode: external, address: '{address}'}}\n"
    assert found(address_points_at_proxy, text) == [("address-points-at-proxy", "ca.address", "error")]


def test_an_external_ca_address_on_a_cluster_service_is_accepted() -> None:
    text = "ca: {mode: external, address: 'cert-manager-istio-csr.cert-manager.svc:443'}\n"
    assert found(address_points_at_proxy, text) == []


def test_a_loopback_ca_address_in_istiods_extra_values_is_reported_there() -> None:
    text = "istiod: {extraValues: {global: {caAddress: '127.0.0.1:15012'}}}\n"
    assert found(address_points_at_proxy, text) == [
        ("address-points-at-proxy", "istiod.extraValues.global.caAddress", "error")]


def test_an_ipv6_loopback_ca_address_in_istiods_extra_values_is_an_error() -> None:
    text = "istiod: {extraValues: {global: {caAddress: '[::1]:15012'}}}\n"
    assert found(address_points_at_proxy, text) == [
        ("address-points-at-proxy", "istiod.extraValues.global.caAddress", "error")]


def test_a_loopback_discovery_address_says_no_pod_becomes_ready() -> None:
    text = ("istiod:\n  extraValues:\n    meshConfig:\n"
            "      defaultConfig: {discoveryAddress: 'localhost:15012'}\n")
    [f] = address_points_at_proxy(config_from(text))
    assert (f.rule, f.path, f.severity) == (
        "address-points-at-proxy", "istiod.extraValues.meshConfig.defaultConfig.discoveryAddress", "error")
    assert f.message.endswith("no proxy ever gets its configuration, so no pod with a sidecar becomes ready")
    assert f.fix == "use the service's cluster address, e.g. 'istiod.istio-system.svc:15012'"


def test_a_loopback_ztunnel_ca_address_is_reported_on_ztunnels_extra_values() -> None:
    text = ("istio: {profile: ambient}\ncni: {enabled: true}\n"
            "ztunnel: {enabled: true, extraValues: {caAddress: 'localhost:15012'}}\n")
    assert found(address_points_at_proxy, text) == [
        ("address-points-at-proxy", "ztunnel.extraValues.caAddress", "error")]


def remote(primary: str) -> str:
    return ("mesh: {meshId: mesh1}\nmulticluster: {clusterName: west, network: net-west, role: remote, "
            f"primaryCluster: east, primaryAddress: {primary}}}\n")


def test_a_remote_clusters_loopback_primary_address_is_an_error() -> None:
    assert found(address_points_at_proxy, remote("127.0.0.1")) == [
        ("address-points-at-proxy", "multicluster.primaryAddress", "error")]


def test_a_remote_clusters_routable_primary_address_is_accepted() -> None:
    assert found(address_points_at_proxy, remote("10.0.0.12")) == []


# --- auto-mtls-off-with-strict ------------------------------------------------------------

AUTO_MTLS_OFF = "istiod: {extraValues: {meshConfig: {enableAutoMtls: false}}}\n"


def test_automatic_mtls_off_under_strict_mtls_is_an_error() -> None:
    assert found(auto_mtls_off_with_strict, "mtls: {mode: STRICT}\n" + AUTO_MTLS_OFF) == [
        ("auto-mtls-off-with-strict", "istiod.extraValues.meshConfig.enableAutoMtls", "error")]


def test_automatic_mtls_off_with_one_strict_namespace_is_an_error() -> None:
    text = "mtls: {mode: PERMISSIVE, namespaceOverrides: {payments: STRICT}}\n" + AUTO_MTLS_OFF
    assert found(auto_mtls_off_with_strict, text) == [
        ("auto-mtls-off-with-strict", "istiod.extraValues.meshConfig.enableAutoMtls", "error")]


def test_automatic_mtls_off_without_strict_anywhere_is_accepted() -> None:
    assert found(auto_mtls_off_with_strict, "mtls: {mode: PERMISSIVE}\n" + AUTO_MTLS_OFF) == []


def test_automatic_mtls_left_on_under_strict_is_accepted() -> None:
    text = "mtls: {mode: STRICT}\nistiod: {extraValues: {meshConfig: {enableAutoMtls: true}}}\n"
    assert found(auto_mtls_off_with_strict, text) == []


# --- client-tls-disabled-under-strict -----------------------------------------------------

def destination_rule(host: str, mode: str = "STRICT", policy: str = "{tls: {mode: DISABLE}}") -> str:
    return (f"mtls: {{mode: {mode}}}\nnamespaces: [{{name: shop}}]\n"
            + extra("DestinationRule", "shop", f"{{host: {host}, trafficPolicy: {policy}}}",
                    api="networking.istio.io/v1"))


def test_a_destination_rule_disabling_tls_to_a_strict_service_is_an_error() -> None:
    assert found(client_tls_disabled_under_strict, destination_rule("storefront.shop.svc.cluster.local")) == [
        ("client-tls-disabled-under-strict", "extraResources[0].spec.trafficPolicy.tls.mode", "error")]


def test_a_short_host_is_a_service_of_the_rules_own_namespace() -> None:
    assert found(client_tls_disabled_under_strict, destination_rule("storefront")) == [
        ("client-tls-disabled-under-strict", "extraResources[0].spec.trafficPolicy.tls.mode", "error")]


def test_tls_disabled_on_one_port_is_reported_on_that_port() -> None:
    policy = "{portLevelSettings: [{port: {number: 8080}, tls: {mode: DISABLE}}]}"
    text = destination_rule("storefront.shop.svc.cluster.local", policy=policy)
    assert found(client_tls_disabled_under_strict, text) == [
        ("client-tls-disabled-under-strict",
         "extraResources[0].spec.trafficPolicy.portLevelSettings[0].tls.mode", "error")]


def test_istio_mutual_tls_to_a_strict_service_is_accepted() -> None:
    text = destination_rule("storefront.shop.svc.cluster.local", policy="{tls: {mode: ISTIO_MUTUAL}}")
    assert found(client_tls_disabled_under_strict, text) == []


def test_tls_disabled_to_a_permissive_service_is_accepted() -> None:
    text = destination_rule("storefront.shop.svc.cluster.local", mode="PERMISSIVE")
    assert found(client_tls_disabled_under_strict, text) == []


def test_tls_disabled_to_a_host_outside_the_cluster_is_accepted() -> None:
    assert found(client_tls_disabled_under_strict, destination_rule("api.partner.example")) == []


# --- prod-extra-resource-lowers-mtls ------------------------------------------------------

def test_a_permissive_extra_peer_authentication_in_production_is_a_warning() -> None:
    text = PROD + extra("PeerAuthentication", "shop", "{mtls: {mode: PERMISSIVE}}")
    assert found(extra_resource_lowers_mtls, text) == [
        ("prod-extra-resource-lowers-mtls", "extraResources[0].spec.mtls.mode", "warning")]


def test_a_port_level_disable_in_an_extra_peer_authentication_is_reported_on_that_port() -> None:
    text = PROD + extra("PeerAuthentication", "shop",
                        "{selector: {matchLabels: {app: db}}, mtls: {mode: STRICT}, "
                        "portLevelMtls: {'5432': {mode: DISABLE}}}")
    assert found(extra_resource_lowers_mtls, text) == [
        ("prod-extra-resource-lowers-mtls", "extraResources[0].spec.portLevelMtls.5432.mode", "warning")]


def test_a_strict_extra_peer_authentication_in_production_is_accepted() -> None:
    text = PROD + extra("PeerAuthentication", "shop", "{mtls: {mode: STRICT}}")
    assert found(extra_resource_lowers_mtls, text) == []


def test_a_permissive_extra_peer_authentication_outside_production_is_not_judged() -> None:
    text = "environment: staging\n" + extra("PeerAuthentication", "shop", "{mtls: {mode: PERMISSIVE}}")
    assert found(extra_resource_lowers_mtls, text) == []


# --- prod-extra-resource-allows-everything ------------------------------------------------

def test_an_empty_allow_rule_in_the_root_namespace_opens_every_workload_of_the_mesh() -> None:
    text = PROD + extra("AuthorizationPolicy", "istio-system", "{action: ALLOW, rules: [{}]}")
    [f] = extra_resource_allows_everything(config_from(text))
    assert (f.rule, f.path, f.severity) == (
        "prod-extra-resource-allows-everything", "extraResources[0].spec.rules[0]", "error")
    assert "allows anyone to call every workload of the mesh," in f.message


def test_an_empty_allow_rule_in_an_app_namespace_names_that_namespace() -> None:
    text = PROD + extra("AuthorizationPolicy", "shop", "{rules: [{}]}")
    [f] = extra_resource_allows_everything(config_from(text))
    assert f.path == "extraResources[0].spec.rules[0]"
    assert "allows anyone to call every workload of 'shop'," in f.message


def test_an_allow_rule_that_names_its_callers_is_accepted() -> None:
    text = PROD + extra("AuthorizationPolicy", "shop",
                        "{action: ALLOW, rules: [{from: [{source: {namespaces: [shop]}}]}]}")
    assert found(extra_resource_allows_everything, text) == []


def test_an_empty_rule_limited_by_a_selector_is_accepted() -> None:
    text = PROD + extra("AuthorizationPolicy", "shop",
                        "{selector: {matchLabels: {app: health}}, rules: [{}]}")
    assert found(extra_resource_allows_everything, text) == []


def test_an_empty_deny_rule_refuses_rather_than_allows() -> None:
    text = PROD + extra("AuthorizationPolicy", "shop", "{action: DENY, rules: [{}]}")
    assert found(extra_resource_allows_everything, text) == []


# --- prod-envoy-filter --------------------------------------------------------------------

ENVOY_FILTER = extra("EnvoyFilter", "istio-system", "{configPatches: [{applyTo: HTTP_FILTER}]}",
                     api="networking.istio.io/v1alpha3")


def test_an_envoy_filter_in_production_is_a_warning_on_its_kind() -> None:
    assert found(envoy_filter, PROD + ENVOY_FILTER) == [("prod-envoy-filter", "extraResources[0].kind", "warning")]


def test_an_envoy_filter_outside_production_is_not_judged() -> None:
    assert found(envoy_filter, "environment: staging\n" + ENVOY_FILTER) == []


def test_a_typed_resource_in_production_is_not_an_envoy_filter() -> None:
    text = PROD + extra("Telemetry", "istio-system", "{accessLogging: [{providers: [{name: envoy}]}]}",
                        api="telemetry.istio.io/v1")
    assert found(envoy_filter, text) == []


# --- prod-root-namespace-writable ---------------------------------------------------------

def test_the_default_namespace_as_root_in_production_is_an_error_on_istio_namespace() -> None:
    assert found(root_namespace_writable, PROD + "istioNamespace: default\n") == [
        ("prod-root-namespace-writable", "istioNamespace", "error")]


def test_an_application_namespace_as_root_in_extra_values_is_an_error_there() -> None:
    text = PROD + ("namespaces: [{name: shop}]\n"
                   "istiod: {extraValues: {meshConfig: {rootNamespace: shop}}}\n")
    assert found(root_namespace_writable, text) == [
        ("prod-root-namespace-writable", "istiod.extraValues.meshConfig.rootNamespace", "error")]


def test_istio_system_as_root_in_production_is_accepted() -> None:
    assert found(root_namespace_writable, PROD + "istioNamespace: istio-system\nnamespaces: [{name: shop}]\n") == []


def test_the_default_namespace_as_root_outside_production_is_not_judged() -> None:
    assert found(root_namespace_writable, "environment: staging\nistioNamespace: default\n") == []


# --- default-deny-without-allow -----------------------------------------------------------

def test_a_meshed_namespace_no_allow_rule_names_under_default_deny_is_a_warning() -> None:
    text = "authorization: {defaultDeny: true}\nnamespaces: [{name: shop}]\n"
    assert found(default_deny_without_allow, text) == [("default-deny-without-allow", "namespaces[0]", "warning")]


def test_a_meshed_namespace_an_allow_rule_names_is_accepted() -> None:
    text = ("namespaces: [{name: shop}]\nauthorization:\n  defaultDeny: true\n  allow:\n"
            "  - {name: within-shop, namespace: shop, from: {namespaces: [shop]}}\n")
    assert found(default_deny_without_allow, text) == []


def test_an_extra_allow_policy_in_the_namespace_counts_as_an_allow_rule() -> None:
    text = ("authorization: {defaultDeny: true}\nnamespaces: [{name: shop}]\n"
            + extra("AuthorizationPolicy", "shop", "{action: ALLOW, rules: [{from: [{source: {namespaces: [shop]}}]}]}"))
    assert found(default_deny_without_allow, text) == []


def test_an_extra_deny_policy_in_the_namespace_does_not_count_as_an_allow_rule() -> None:
    text = ("authorization: {defaultDeny: true}\nnamespaces: [{name: shop}]\n"
            + extra("AuthorizationPolicy", "shop", "{action: DENY, rules: [{from: [{source: {namespaces: [x]}}]}]}"))
    assert found(default_deny_without_allow, text) == [("default-deny-without-allow", "namespaces[0]", "warning")]


def test_a_mesh_wide_allow_rule_may_serve_every_namespace() -> None:
    text = ("namespaces: [{name: shop}]\nauthorization:\n  defaultDeny: true\n  allow:\n"
            "  - {name: mesh-wide, namespace: istio-system, from: {namespaces: [shop]}}\n")
    assert found(default_deny_without_allow, text) == []


def test_without_default_deny_no_namespace_needs_an_allow_rule() -> None:
    assert found(default_deny_without_allow, "authorization: {defaultDeny: false}\nnamespaces: [{name: shop}]\n") == []


# --- ingress-ip-allow-without-client-ip ---------------------------------------------------

def ip_allow(gateway_extra: str = "") -> str:
    return ("authorization:\n  defaultDeny: true\n  ingress:\n"
            "  - {gateway: web, remoteIpBlocks: [203.0.113.0/24]}\n"
            "gateways:\n- name: web\n  kind: ingress\n" + gateway_extra)


def test_an_ip_allow_list_behind_a_load_balancer_that_hides_the_client_is_a_warning() -> None:
    assert found(ingress_ip_allow_without_client_ip, ip_allow()) == [
        ("ingress-ip-allow-without-client-ip", "authorization.ingress[0].remoteIpBlocks", "warning")]


def test_an_ip_allow_list_with_external_traffic_policy_local_sees_the_client() -> None:
    text = ip_allow("  extraValues: {service: {externalTrafficPolicy: Local}}\n")
    assert found(ingress_ip_allow_without_client_ip, text) == []


def test_an_ip_allow_list_with_trusted_proxies_in_mesh_config_sees_the_client() -> None:
    text = ip_allow() + ("istiod:\n  extraValues:\n    meshConfig:\n      defaultConfig:\n"
                         "        gatewayTopology: {numTrustedProxies: 1}\n")
    assert found(ingress_ip_allow_without_client_ip, text) == []


def test_an_ip_allow_list_with_external_traffic_policy_cluster_still_hides_the_client() -> None:
    text = ip_allow("  extraValues: {service: {externalTrafficPolicy: Cluster}}\n")
    assert found(ingress_ip_allow_without_client_ip, text) == [
        ("ingress-ip-allow-without-client-ip", "authorization.ingress[0].remoteIpBlocks", "warning")]

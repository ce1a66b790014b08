"""Sidecar scoping (config/sidecars.py): a default Sidecar per onboarded
namespace with sidecar injection. This file checks which namespaces have
sidecars, the '<namespace>/<host>' host form, that hosts need the feature on,
and that per-namespace hosts name a namespace that gets a Sidecar."""

from __future__ import annotations

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.errors import ConfigError, RuleViolation
from istio_mesh.config.namespaces import NamespaceSettings
from istio_mesh.config.sidecars import SidecarScopeSettings, check_sidecar_scope, has_sidecar_injection

AMBIENT = "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"
HOST_FORM = (
    "must be '<namespace>/<host>': namespace a name, '.', '*' or '~'; host a DNS name, '*.suffix' or '*' "
    "(e.g. 'payments/*')"
)


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


# has_sidecar_injection


def test_a_sidecar_namespace_with_injection_has_sidecars() -> None:
    assert has_sidecar_injection(NamespaceSettings(name="shop")) is True


def test_a_sidecar_namespace_with_injection_off_has_none() -> None:
    assert has_sidecar_injection(NamespaceSettings(name="shop", injection=False)) is False


def test_an_ambient_namespace_has_none_even_with_injection_left_at_its_default() -> None:
    shop = config_from(AMBIENT + "namespaces: [{name: shop, dataplane: ambient}]").namespaces[0]
    assert (shop.injection, has_sidecar_injection(shop)) == (True, False)


# SidecarScopeSettings


def test_sidecar_scoping_is_off_without_hosts_by_default() -> None:
    scope = SidecarScopeSettings()
    assert (scope.enabled, scope.hosts, scope.namespace_hosts) == (False, (), {})


@pytest.mark.parametrize(
    "host",
    ["shared/*", "./*", "~/*", "*/*.example.com", "payments/api.payments.svc.cluster.local", "*/*"],
)
def test_hosts_in_istios_namespace_slash_host_form_are_accepted(host: str) -> None:
    assert SidecarScopeSettings(enabled=True, hosts=(host,)).hosts == (host,)


@pytest.mark.parametrize("host", ["shared", "Shared/*", "shared/", "shared/*.", "a/b/c", "shared/**"])
def test_hosts_out_of_that_form_are_refused(host: str) -> None:
    assert error_for(f"sidecarScope: {{enabled: true, hosts: [ok/*, '{host}']}}") == (
        f"test.yaml: sidecarScope.hosts[1]: got '{host}'; {HOST_FORM}"
    )


def test_hosts_while_scoping_is_off_are_refused() -> None:
    assert error_for("sidecarScope: {hosts: [shared/*]}") == (
        "test.yaml: sidecarScope.enabled: is false, so hosts and namespaceHosts do nothing; set enabled: true"
    )


def test_namespace_hosts_while_scoping_is_off_are_refused() -> None:
    assert error_for("namespaces: [{name: shop}]\nsidecarScope: {namespaceHosts: {shop: [payments/*]}}") == (
        "test.yaml: sidecarScope.enabled: is false, so hosts and namespaceHosts do nothing; set enabled: true"
    )


def test_a_bad_host_for_one_namespace_is_refused_at_its_place() -> None:
    assert error_for(
        "namespaces: [{name: shop}]\nsidecarScope: {enabled: true, namespaceHosts: {shop: [payments/*, nope]}}"
    ) == f"test.yaml: sidecarScope.namespaceHosts.shop[1]: got 'nope'; {HOST_FORM}"


# check_sidecar_scope


def test_hosts_for_an_onboarded_sidecar_namespace_pass() -> None:
    config = config_from(
        "namespaces: [{name: shop}]\nsidecarScope: {enabled: true, namespaceHosts: {shop: [payments/*]}}"
    )
    assert check_sidecar_scope(config) is None
    assert config.sidecar_scope.namespace_hosts == {"shop": ("payments/*",)}


def test_hosts_for_a_namespace_without_injection_are_refused_with_those_that_have_it() -> None:
    assert error_for(
        "namespaces: [{name: shop}, {name: cart}, {name: batch, injection: false}]\n"
        "sidecarScope: {enabled: true, namespaceHosts: {batch: [payments/*]}}"
    ) == (
        "test.yaml: sidecarScope.namespaceHosts.batch: 'batch' is not an onboarded namespace with sidecar "
        "injection; allowed: cart, shop"
    )


def test_hosts_for_a_namespace_when_none_is_onboarded_say_so() -> None:
    config = config_from("istiod: {replicas: 1}").model_copy(
        update={"sidecar_scope": SidecarScopeSettings(enabled=True, namespace_hosts={"shop": ("payments/*",)})}
    )
    with pytest.raises(RuleViolation) as caught:
        check_sidecar_scope(config)
    assert (caught.value.path, caught.value.message) == (
        ("sidecarScope", "namespaceHosts", "shop"),
        "'shop' is not an onboarded namespace with sidecar injection; allowed: none onboarded",
    )

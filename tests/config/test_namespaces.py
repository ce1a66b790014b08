"""Application namespaces and mutual TLS (config/namespaces.py). This file
checks a namespace's defaults, each rule tying labels, dataplane, injection,
revision and waypoint together, and check_namespaces' refusal of repeats and
of system or control-plane namespaces."""

from __future__ import annotations

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.errors import ConfigError, RuleViolation
from istio_mesh.config.namespaces import (
    MANAGED_NAMESPACE_LABELS,
    RESERVED_NAMESPACES,
    MtlsMode,
    MtlsSettings,
    NamespaceSettings,
    check_namespaces,
)

AMBIENT = "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


# MtlsSettings


def test_mtls_is_permissive_without_overrides_by_default() -> None:
    assert (MtlsSettings().mode, MtlsSettings().namespace_overrides) == (MtlsMode.PERMISSIVE, {})


def test_per_namespace_modes_are_read_from_istios_spelling() -> None:
    mtls = config_from("mtls: {mode: STRICT, namespaceOverrides: {legacy: PERMISSIVE, batch: DISABLE}}").mtls
    assert (mtls.mode, mtls.namespace_overrides) == (
        MtlsMode.STRICT, {"legacy": MtlsMode.PERMISSIVE, "batch": MtlsMode.DISABLE}
    )


def test_an_mtls_mode_istio_does_not_have_is_refused() -> None:
    assert error_for("mtls: {mode: STRICTER}") == (
        "test.yaml: mtls.mode: got 'STRICTER' (string); must be 'STRICT', 'PERMISSIVE' or 'DISABLE'"
    )


# NamespaceSettings


def test_a_namespace_is_an_existing_sidecar_namespace_with_injection_by_default() -> None:
    shop = NamespaceSettings(name="shop")
    assert (shop.create, shop.dataplane, shop.injection, shop.revision, shop.waypoint, shop.labels) == (
        False, "sidecar", True, None, False, {}
    )


def test_a_created_namespace_keeps_its_extra_labels() -> None:
    shop = config_from("namespaces: [{name: shop, create: true, labels: {team: payments}}]").namespaces[0]
    assert (shop.create, shop.labels) == (True, {"team": "payments"})


def test_labels_on_a_namespace_the_stack_does_not_create_are_refused() -> None:
    assert error_for("namespaces: [{name: shop, labels: {team: payments}}]") == (
        "test.yaml: namespaces[0].labels: labels are only set on namespaces this stack creates; "
        "set create: true or remove labels"
    )


@pytest.mark.parametrize("label", sorted(MANAGED_NAMESPACE_LABELS))
def test_a_label_that_selects_a_data_plane_is_refused_even_on_a_created_namespace(label: str) -> None:
    assert error_for(f"namespaces: [{{name: shop, create: true, labels: {{'{label}': x}}}}]") == (
        f"test.yaml: namespaces[0].labels.{label}: is managed by this stack; "
        "use dataplane, injection, revision or waypoint"
    )


def test_the_managed_labels_are_the_four_istio_data_plane_labels() -> None:
    assert MANAGED_NAMESPACE_LABELS == {
        "istio-injection", "istio.io/rev", "istio.io/dataplane-mode", "istio.io/use-waypoint",
    }


def test_an_ambient_namespace_with_a_waypoint_is_accepted() -> None:
    shop = config_from(AMBIENT + "namespaces: [{name: shop, dataplane: ambient, waypoint: true}]").namespaces[0]
    assert (shop.dataplane, shop.waypoint) == ("ambient", True)


def test_injection_asked_for_in_an_ambient_namespace_is_refused() -> None:
    assert error_for(AMBIENT + "namespaces: [{name: shop, dataplane: ambient, injection: true}]") == (
        "test.yaml: namespaces[0].injection: sidecar injection and ambient enrolment are exclusive per "
        "namespace; remove injection or set dataplane: sidecar"
    )


def test_injection_turned_off_in_an_ambient_namespace_is_accepted() -> None:
    shop = config_from(AMBIENT + "namespaces: [{name: shop, dataplane: ambient, injection: false}]").namespaces[0]
    assert (shop.dataplane, shop.injection) == ("ambient", False)


def test_a_revision_in_an_ambient_namespace_is_refused() -> None:
    assert error_for(AMBIENT + "namespaces: [{name: shop, dataplane: ambient, revision: canary}]") == (
        "test.yaml: namespaces[0].revision: selects a sidecar injector; ambient namespaces have no sidecars"
    )


def test_a_waypoint_in_a_sidecar_namespace_is_refused() -> None:
    assert error_for("namespaces: [{name: shop, waypoint: true}]") == (
        "test.yaml: namespaces[0].waypoint: waypoints serve ambient namespaces; set dataplane: ambient"
    )


def test_a_revision_without_injection_is_refused() -> None:
    assert error_for("namespaces: [{name: shop, injection: false, revision: canary}]") == (
        "test.yaml: namespaces[0].revision: selects a sidecar injector; it needs injection: true"
    )


def test_a_dataplane_other_than_sidecar_or_ambient_is_refused() -> None:
    assert error_for("namespaces: [{name: shop, dataplane: proxyless}]") == (
        "test.yaml: namespaces[0].dataplane: got 'proxyless' (string); must be 'sidecar' or 'ambient'"
    )


# check_namespaces


def test_distinct_application_namespaces_pass() -> None:
    config = config_from("namespaces: [{name: shop}, {name: cart}]\nmtls: {namespaceOverrides: {shop: STRICT}}")
    assert check_namespaces(config) is None


def test_a_namespace_onboarded_twice_is_refused_at_its_second_place() -> None:
    assert error_for("namespaces: [{name: shop}, {name: cart}, {name: shop}]") == (
        "test.yaml: namespaces[2].name: 'shop' is used more than once; names must be unique"
    )


@pytest.mark.parametrize("name", sorted(RESERVED_NAMESPACES))
def test_a_kubernetes_system_namespace_cannot_be_onboarded(name: str) -> None:
    assert error_for(f"namespaces: [{{name: shop}}, {{name: {name}}}]") == (
        f"test.yaml: namespaces[1].name: '{name}' runs system or control-plane pods and cannot be onboarded; "
        "allowed: application namespaces"
    )


def test_a_renamed_istiod_namespace_cannot_be_onboarded() -> None:
    assert error_for("istioNamespace: mesh-control\nnamespaces: [{name: mesh-control}]") == (
        "test.yaml: namespaces[0].name: 'mesh-control' runs system or control-plane pods and cannot be "
        "onboarded; allowed: application namespaces"
    )


def test_the_default_istiod_namespace_is_free_once_istiod_moves() -> None:
    config = config_from("istioNamespace: mesh-control\nnamespaces: [{name: istio-system}]")
    assert [n.name for n in config.namespaces] == ["istio-system"]


def test_an_mtls_override_for_istiods_namespace_is_refused() -> None:
    assert error_for("mtls: {namespaceOverrides: {istio-system: DISABLE}}") == (
        "test.yaml: mtls.namespaceOverrides.istio-system: 'istio-system' is a system namespace; "
        "the mesh-wide mode is mtls.mode"
    )


def test_check_namespaces_points_at_the_field_to_change() -> None:
    config = config_from("namespaces: [{name: shop}]").model_copy(update={"istio_namespace": "shop"})
    with pytest.raises(RuleViolation) as caught:
        check_namespaces(config)
    assert caught.value.path == ("namespaces", 0, "name")

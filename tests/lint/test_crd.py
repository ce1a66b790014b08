"""Checking an Istio object against the pinned release's CRDs: unknown kinds
and versions, older served versions, schema errors (unknown fields refused,
unlike the API server's silent pruning) and empty maps or lists. Checked on
literal manifests against the shipped Istio 1.30.3 data."""

from __future__ import annotations

from typing import Any

import pytest

from istio_mesh.lint.crd import Problem, known_kinds, preferred_version, resource_problems

EMPTY = "is empty; kubernetes_manifest reports an inconsistent result after apply for empty maps and lists"


def virtual_service(spec: dict[str, Any], api_version: str = "networking.istio.io/v1") -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": "VirtualService", "metadata": {"name": "r", "namespace": "shop"},
            "spec": spec}


# --- known_kinds and preferred_version ---------------------------------------------------


def test_the_pinned_release_has_fifteen_kinds_in_group_order() -> None:
    assert known_kinds() == [
        "extensions.istio.io/TrafficExtension", "extensions.istio.io/WasmPlugin",
        "networking.istio.io/DestinationRule", "networking.istio.io/EnvoyFilter", "networking.istio.io/Gateway",
        "networking.istio.io/ProxyConfig", "networking.istio.io/ServiceEntry", "networking.istio.io/Sidecar",
        "networking.istio.io/VirtualService", "networking.istio.io/WorkloadEntry",
        "networking.istio.io/WorkloadGroup", "security.istio.io/AuthorizationPolicy",
        "security.istio.io/PeerAuthentication", "security.istio.io/RequestAuthentication",
        "telemetry.istio.io/Telemetry",
    ]


def test_v1_is_preferred_where_a_kind_serves_it() -> None:
    assert preferred_version("networking.istio.io", "VirtualService") == "v1"


def test_a_kind_without_v1_prefers_its_newest_served_version() -> None:
    assert preferred_version("networking.istio.io", "EnvoyFilter") == "v1alpha3"


def test_a_kind_the_release_lacks_has_no_preferred_version() -> None:
    with pytest.raises(KeyError):
        preferred_version("networking.istio.io", "VirtualSrvice")


# --- resource_problems -------------------------------------------------------------------


def test_a_valid_virtual_service_has_no_problems() -> None:
    route = [{"route": [{"destination": {"host": "r"}}]}]
    assert resource_problems(virtual_service({"hosts": ["r"], "http": route})) == []


def test_a_misspelt_kind_is_unknown_with_the_closest_kind() -> None:
    manifest = {"apiVersion": "networking.istio.io/v1", "kind": "VirtualSrvice", "metadata": {"name": "a"}}
    assert resource_problems(manifest) == [Problem(
        "unknown-kind", ("kind",),
        "networking.istio.io has no kind 'VirtualSrvice' in Istio 1.30.3 (did you mean 'VirtualService'?)")]


def test_a_kind_in_the_wrong_group_names_its_group() -> None:
    manifest = {"apiVersion": "security.istio.io/v1", "kind": "VirtualService", "metadata": {"name": "a"}}
    assert resource_problems(manifest) == [Problem(
        "unknown-kind", ("kind",),
        "security.istio.io has no kind 'VirtualService' in Istio 1.30.3; VirtualService is in networking.istio.io")]


def test_a_kind_like_nothing_in_the_release_has_no_hint() -> None:
    manifest = {"apiVersion": "networking.istio.io/v1", "kind": "Qqq", "metadata": {"name": "a"}}
    assert resource_problems(manifest) == [Problem(
        "unknown-kind", ("kind",), "networking.istio.io has no kind 'Qqq' in Istio 1.30.3")]


def test_a_version_the_kind_does_not_serve_is_refused_with_the_served_ones() -> None:
    assert resource_problems(virtual_service({"hosts": ["r"]}, "networking.istio.io/v2")) == [Problem(
        "unknown-version", ("apiVersion",), "VirtualService does not serve 'v2'; served: v1, v1alpha3, v1beta1")]


def test_an_older_served_version_is_reported_when_v1_is_served() -> None:
    assert resource_problems(virtual_service({"hosts": ["r"]}, "networking.istio.io/v1beta1")) == [Problem(
        "old-api-version", ("apiVersion",),
        "networking.istio.io/v1beta1 is an older version of VirtualService; v1 is served")]


def test_the_newest_version_of_a_kind_without_v1_is_not_old() -> None:
    manifest = {"apiVersion": "networking.istio.io/v1alpha3", "kind": "EnvoyFilter",
                "metadata": {"name": "f"}, "spec": {"priority": 1}}
    assert resource_problems(manifest) == []


def test_a_value_of_the_wrong_type_is_a_schema_error_at_its_path() -> None:
    assert resource_problems(virtual_service({"hosts": "r"})) == [
        Problem("crd-schema", ("spec", "hosts"), "'r' is not of type 'array'")]


def test_a_value_outside_an_enum_is_a_schema_error() -> None:
    manifest = {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
                "metadata": {"name": "a"}, "spec": {"action": "DENNY"}}
    assert resource_problems(manifest) == [Problem(
        "crd-schema", ("spec", "action"), "'DENNY' is not one of ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']")]


def test_an_unknown_field_is_refused_rather_than_pruned() -> None:
    route = [{"route": [{"destination": {"host": "r"}}]}]
    assert resource_problems(virtual_service({"hosts": ["r"], "htp": route})) == [
        Problem("crd-schema", ("spec",), "Additional properties are not allowed ('htp' was unexpected)")]


def test_an_empty_list_in_the_spec_is_reported_at_its_path() -> None:
    assert resource_problems(virtual_service({"hosts": ["r"], "gateways": []})) == [
        Problem("empty-value", ("spec", "gateways"), EMPTY)]


def test_an_empty_map_deep_in_the_spec_is_reported_at_its_path() -> None:
    manifest = {"apiVersion": "telemetry.istio.io/v1", "kind": "Telemetry", "metadata": {"name": "t"},
                "spec": {"selector": {"matchLabels": {}}}}
    assert resource_problems(manifest) == [Problem("empty-value", ("spec", "selector", "matchLabels"), EMPTY)]


def test_an_empty_metadata_map_is_not_judged() -> None:
    manifest = {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {},
                "spec": {"hosts": ["r"]}}
    assert resource_problems(manifest) == []

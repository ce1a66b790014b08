"""Extra Istio resources applied as written (istio_mesh.config.extra_resources):
their metadata, Istio API group and kind spelling, the CRD rules checked at
load time, the manifest they apply, and the refusal of an object listed twice
or also generated from the typed settings.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.errors import ConfigError, RuleViolation
from istio_mesh.config.extra_resources import (
    ExtraResource,
    ResourceMetadata,
    check_extra_resources,
)

SIDECAR_SPEC = {"egress": [{"hosts": ["./*"]}]}


def _resource(**fields: Any) -> ExtraResource:
    return ExtraResource.model_validate({
        "apiVersion": "networking.istio.io/v1",
        "kind": "Sidecar",
        "metadata": {"name": "default", "namespace": "shop"},
        "spec": SIDECAR_SPEC,
        **fields,
    })


def _first_error(error: ValidationError) -> dict[str, Any]:
    [detail] = error.errors()
    return dict(detail)


def _refusal(text: str) -> str:
    return shared_error_for(text, "test.yaml").removeprefix("test.yaml: ")


# -- ResourceMetadata ---------------------------------------------------------------------


def test_metadata_defaults_to_no_labels_and_no_annotations() -> None:
    metadata = ResourceMetadata(name="a", namespace="shop")
    assert (metadata.labels, metadata.annotations) == ({}, {})


def test_an_object_name_may_be_a_dotted_subdomain_but_a_namespace_may_not() -> None:
    assert ResourceMetadata(name="api.example", namespace="shop").name == "api.example"
    with pytest.raises(ValidationError, match="must be a DNS-1123 label"):
        ResourceMetadata(name="a", namespace="shop.eu")


def test_an_upper_case_object_name_is_refused() -> None:
    with pytest.raises(ValidationError, match="must be a DNS-1123 subdomain"):
        ResourceMetadata(name="Canary", namespace="shop")


def test_metadata_needs_a_namespace() -> None:
    with pytest.raises(ValidationError) as caught:
        ResourceMetadata.model_validate({"name": "a"})
    assert (_first_error(caught.value)["type"], _first_error(caught.value)["loc"]) == (
        "missing", ("namespace",),
    )


def test_a_bad_label_on_an_extra_resource_is_refused_at_its_key() -> None:
    with pytest.raises(ValidationError) as caught:
        ResourceMetadata(name="a", namespace="shop", labels={"team": "a b"})
    cause = _first_error(caught.value)["ctx"]["error"]
    assert isinstance(cause, RuleViolation) and cause.path == ("team",)


# -- apiVersion and kind --------------------------------------------------------------------


@pytest.mark.parametrize(
    "api_version",
    ["networking.istio.io/v1", "security.istio.io/v1beta1", "telemetry.istio.io/v1alpha1",
     "extensions.istio.io/v1alpha1"],
)
def test_istio_api_groups_and_versions_are_accepted(api_version: str) -> None:
    assert _resource(apiVersion=api_version).api_version == api_version


@pytest.mark.parametrize(
    "api_version",
    ["networking.istio.io", "gateway.networking.k8s.io/v1", "networking.istio.io/1",
     "networking.istio.io/v1/extra", "Networking.istio.io/v1", "istio.io/v1"],
)
def test_an_api_version_outside_an_istio_group_or_without_a_version_is_refused(api_version: str) -> None:
    with pytest.raises(ValidationError, match="must be '<group>/<version>' of an Istio API group"):
        _resource(apiVersion=api_version)


@pytest.mark.parametrize("kind", ["sidecar", "Virtual-Service", "Sidecar ", "1Sidecar"])
def test_a_kind_not_in_camel_case_is_refused(kind: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _resource(kind=kind)
    assert _first_error(caught.value)["msg"] == (
        "Value error, must be a kind in CamelCase, e.g. 'VirtualService'"
    )


def test_an_extra_resource_needs_a_spec() -> None:
    with pytest.raises(ValidationError) as caught:
        ExtraResource.model_validate({
            "apiVersion": "networking.istio.io/v1", "kind": "Sidecar",
            "metadata": {"name": "a", "namespace": "shop"},
        })
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("missing", ("spec",))]


# -- CRD rules ---------------------------------------------------------------------------------


def test_a_spec_that_breaks_a_crd_rule_is_refused_under_spec_naming_the_kind() -> None:
    with pytest.raises(ValidationError) as caught:
        _resource(
            apiVersion="networking.istio.io/v1", kind="ServiceEntry",
            spec={"hosts": ["*"], "ports": [{"number": 80, "name": "http", "protocol": "HTTP"}]},
        )
    cause = _first_error(caught.value)["ctx"]["error"]
    assert isinstance(cause, RuleViolation)
    assert cause.path == ("spec", "hosts", 0)
    assert cause.message == "hostname cannot be wildcard (a rule of Istio's ServiceEntry CRD)"


def test_a_spec_within_the_crd_rules_is_kept_as_written() -> None:
    spec = {"hosts": ["api.example.com"], "ports": [{"number": 443, "name": "tls", "protocol": "TLS"}],
            "resolution": "DNS"}
    assert _resource(kind="ServiceEntry", spec=spec).spec == spec


# -- group and manifest ------------------------------------------------------------------------------


def test_the_group_is_the_api_version_without_its_version() -> None:
    assert _resource(apiVersion="security.istio.io/v1beta1").group == "security.istio.io"


def test_the_manifest_leaves_out_empty_labels_and_annotations() -> None:
    assert _resource().manifest() == {
        "apiVersion": "networking.istio.io/v1",
        "kind": "Sidecar",
        "metadata": {"name": "default", "namespace": "shop"},
        "spec": {"egress": [{"hosts": ["./*"]}]},
    }


def test_the_manifest_carries_labels_and_annotations_that_are_set() -> None:
    resource = _resource(metadata={
        "name": "default", "namespace": "shop",
        "labels": {"team": "shop"}, "annotations": {"example.com/owner": "shop team"},
    })
    assert resource.manifest()["metadata"] == {
        "name": "default", "namespace": "shop",
        "labels": {"team": "shop"}, "annotations": {"example.com/owner": "shop team"},
    }


# -- check_extra_resources --------------------------------------------------------------------------------

_SIDECAR = (
    "  - {{apiVersion: {api}, kind: Sidecar, metadata: {{name: {name}, namespace: {ns}}}, "
    "spec: {{egress: [{{hosts: ['./*']}}]}}}}\n"
)


def _extra(*items: tuple[str, str, str]) -> str:
    return "extraResources:\n" + "".join(
        _SIDECAR.format(api=api, name=name, ns=ns) for api, name, ns in items
    )


def test_no_extra_resources_is_the_default() -> None:
    assert config_from("{}").extra_resources == ()


def test_one_name_in_two_namespaces_is_two_objects() -> None:
    config = config_from(_extra(("networking.istio.io/v1", "a", "shop"), ("networking.istio.io/v1", "a", "cart")))
    assert [r.metadata.namespace for r in config.extra_resources] == ["shop", "cart"]
    assert check_extra_resources(config) is None


def test_one_name_and_namespace_of_two_kinds_is_two_objects() -> None:
    config = config_from(
        _extra(("networking.istio.io/v1", "a", "shop"))
        + "  - {apiVersion: security.istio.io/v1, kind: PeerAuthentication, "
        "metadata: {name: a, namespace: shop}, spec: {mtls: {mode: STRICT}}}\n"
    )
    assert [r.kind for r in config.extra_resources] == ["Sidecar", "PeerAuthentication"]


def test_an_object_listed_a_third_time_names_its_first_place() -> None:
    text = _extra(
        ("networking.istio.io/v1", "a", "shop"),
        ("networking.istio.io/v1", "b", "shop"),
        ("networking.istio.io/v1", "b", "shop"),
    )
    assert _refusal(text) == (
        "extraResources[2].metadata.name: Sidecar shop/b is already extraResources[1]; list it once"
    )


def test_a_peer_authentication_the_mtls_setting_does_not_generate_is_accepted() -> None:
    config = config_from(
        "mtls: {mode: STRICT}\n"
        "extraResources: [{apiVersion: security.istio.io/v1, kind: PeerAuthentication, "
        "metadata: {name: legacy, namespace: istio-system}, spec: {mtls: {mode: PERMISSIVE}}}]"
    )
    assert config.extra_resources[0].metadata.name == "legacy"

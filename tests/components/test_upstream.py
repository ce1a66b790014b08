"""Plan addresses -> rendered objects (components/upstream.py): the registry a
composite construct keeps while it renders items in plan order, and the check
that a hand-composed construct was given the upstream objects its item names.
Most tests use stand-in objects; one asks jsii for a real resource's address."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import fresh_stack
from istio_mesh.components.upstream import (
    Rendered,
    address_of,
    remember_address,
    require_upstream,
)


class _StandIn:
    """Any object a construct may hand on as an upstream resource."""


def _at(address: str) -> Any:
    resource = _StandIn()
    remember_address(resource, address)  # type: ignore[arg-type]
    return resource


def test_rendered_returns_the_objects_at_the_addresses_asked_for_in_that_order() -> None:
    rendered = Rendered(fresh_stack())
    base, istiod = _at("helm_release.istio-base"), _at("helm_release.istiod")
    rendered.add("helm_release.istio-base", base)
    rendered.add("helm_release.istiod", istiod)
    assert rendered.upstream(["helm_release.istiod", "helm_release.istio-base"]) == [istiod, base]
    assert rendered.upstream([]) == []


def test_asking_for_an_address_not_rendered_yet_is_refused_naming_every_missing_one() -> None:
    rendered = Rendered(fresh_stack("owner"))
    rendered.add("helm_release.istio-base", _at("helm_release.istio-base"))
    with pytest.raises(
        ValueError,
        match=r"^owner: rendered out of plan order: helm_release.istiod, kubernetes_secret_v1.cacerts "
        r"not rendered yet$",
    ):
        rendered.upstream(["helm_release.istio-base", "helm_release.istiod", "kubernetes_secret_v1.cacerts"])


def test_adding_an_address_twice_is_refused() -> None:
    rendered = Rendered(fresh_stack())
    rendered.add("helm_release.istiod", _at("helm_release.istiod"))
    with pytest.raises(ValueError, match=r"two resources at helm_release.istiod: Terraform addresses must be unique"):
        rendered.add("helm_release.istiod", _at("helm_release.istiod"))


def test_check_new_refuses_a_batch_that_lists_one_address_twice_and_records_nothing() -> None:
    rendered = Rendered(fresh_stack())
    with pytest.raises(ValueError, match=r"^test: two resources at kubernetes_manifest.a: "):
        rendered.check_new(["kubernetes_manifest.a", "kubernetes_manifest.b", "kubernetes_manifest.a"])
    # Only a check: the batch can still be added one by one afterwards.
    rendered.check_new(["kubernetes_manifest.a", "kubernetes_manifest.b"])
    rendered.add("kubernetes_manifest.a", _at("kubernetes_manifest.a"))


def test_address_of_reads_the_remembered_address() -> None:
    assert address_of(_at("kubernetes_labels.root_namespace_network")) == "kubernetes_labels.root_namespace_network"


def test_address_of_an_object_that_is_no_terraform_resource_is_none() -> None:
    assert address_of(_StandIn()) is None  # type: ignore[arg-type]


def test_require_upstream_refuses_an_object_that_is_no_terraform_resource() -> None:
    with pytest.raises(ValueError, match=r"^test: after= holds <.*_StandIn object at .*>, which is not a Terraform resource$"):
        require_upstream(fresh_stack(), "release 'istiod'", [], [_StandIn()])  # type: ignore[list-item]


def test_address_of_an_unremembered_resource_asks_its_type_and_logical_id() -> None:
    from istio_mesh.runtime.terraform import TerraformResource

    resource = TerraformResource(fresh_stack(), "guard", terraform_resource_type="terraform_data")
    resource.override_logical_id("istiod-removal-guard")
    assert address_of(resource) == "terraform_data.istiod-removal-guard"


def test_require_upstream_accepts_every_named_object_given_and_extra_ones() -> None:
    stack = fresh_stack()
    require_upstream(
        stack,
        "release 'istiod'",
        ["helm_release.istio-base"],
        [_at("helm_release.istio-base"), _at("terraform_data.istiod-upgrade-guard")],
    )
    require_upstream(stack, "release 'istio-base'", [], [])


def test_require_upstream_refuses_a_missing_object_and_names_it() -> None:
    with pytest.raises(
        ValueError,
        match=r"^owner: release 'istiod' comes after helm_release.istio-cni, kubernetes_secret_v1.cacerts "
        r"in the mesh plan; pass the construct's resource in after=$",
    ):
        require_upstream(
            fresh_stack("owner"),
            "release 'istiod'",
            ["helm_release.istio-base", "helm_release.istio-cni", "kubernetes_secret_v1.cacerts"],
            [_at("helm_release.istio-base")],
        )

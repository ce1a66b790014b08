"""The pieces of a mesh plan (istio_mesh.plan.items): frozen data, one class
per kind of Terraform object, each with its Terraform address (renaming one
moves state). This file checks every address form, the defaults an item
starts with, and that items cannot be changed after they are made."""

from __future__ import annotations

import dataclasses

import pytest

from istio_mesh.plan.items import (
    HelmReleaseItem, ManifestItem, NamespaceItem, NamespaceMetadataItem, SecretItem, Variable,
)


def _release(**changes: object) -> HelmReleaseItem:
    item = HelmReleaseItem(name="istiod-canary", component="istiod", chart="istiod",
                           repository="https://charts.example.com", version="1.30.3",
                           namespace="istio-system", values={}, wait=True, timeout_seconds=600,
                           atomic=True, max_history=5)
    return dataclasses.replace(item, **changes)  # type: ignore[arg-type]


def test_a_release_is_addressed_by_its_release_name() -> None:
    assert _release().address == "helm_release.istiod-canary"


def test_a_release_starts_unprotected_unpackaged_first_and_without_a_revision() -> None:
    release = _release()
    assert (release.prevent_destroy, release.after, release.revision, release.packaged) == (False, (), None, False)


def test_a_manifest_is_addressed_by_its_resource_name_not_its_object_name() -> None:
    item = ManifestItem("peer_authentication_istio-system",
                        {"kind": "PeerAuthentication", "metadata": {"name": "default"}})
    assert item.address == "kubernetes_manifest.peer_authentication_istio-system"
    assert (item.after, item.field_manager) == ((), None)


def test_a_namespace_created_here_is_a_namespace_resource() -> None:
    assert NamespaceItem("shop", True, {}, "istio-mesh").address == "kubernetes_namespace_v1.shop"


def test_a_namespace_that_exists_already_is_only_labelled() -> None:
    assert NamespaceItem("shop", False, {"istio-injection": "enabled"}, "istio-mesh").address == (
        "kubernetes_labels.shop")


@pytest.mark.parametrize(("kind", "address"), [
    ("labels", "kubernetes_labels.network_istio-system"),
    ("annotations", "kubernetes_annotations.network_istio-system"),
])
def test_namespace_metadata_is_addressed_by_what_it_owns(kind: str, address: str) -> None:
    item = NamespaceMetadataItem("network_istio-system", kind, "istio-system",  # type: ignore[arg-type]
                                 {"topology.istio.io/network": "net1"}, "istio-mesh")
    assert item.address == address


def test_a_secret_is_addressed_by_its_resource_name_and_starts_without_labels() -> None:
    secret = SecretItem("istio_remote_secret_edge", "istio-remote-secret-edge", "istio-system",
                        {"edge": "${var.x}"}, 1, (Variable("x", "the kubeconfig"),))
    assert secret.address == "kubernetes_secret_v1.istio_remote_secret_edge"
    assert (dict(secret.labels), dict(secret.annotations), secret.after) == ({}, {}, ())


def test_a_variable_has_no_validation_unless_given_one() -> None:
    assert Variable("istio_ca_key", "PEM key").validation is None


def test_items_are_frozen() -> None:
    item = ManifestItem("x", {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.name = "y"  # type: ignore[misc]


def test_two_secrets_get_their_own_label_mappings() -> None:
    first = SecretItem("a", "a", "ns", {}, 1, ())
    second = SecretItem("b", "b", "ns", {}, 1, ())
    assert first.labels is not second.labels

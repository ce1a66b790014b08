"""MeshNamespace (components/namespaces.py): created, or only labelled."""

from __future__ import annotations

from conftest import fresh_stack, synth_stack
from istio_mesh.plan.items import NamespaceItem


def test_a_created_namespace_carries_its_labels() -> None:
    from istio_mesh.components import MeshNamespace

    stack = fresh_stack()
    MeshNamespace(stack, "ns", namespace=NamespaceItem("shop", True, {"istio-injection": "enabled"}, "m"))
    assert synth_stack(stack)["resource"] == {
        "kubernetes_namespace_v1": {
            "shop": {"metadata": {"name": "shop", "labels": {"istio-injection": "enabled"}}}
        }
    }


def test_an_existing_namespace_is_only_labelled_and_the_labels_are_taken_over() -> None:
    from istio_mesh.components import MeshNamespace

    stack = fresh_stack()
    MeshNamespace(stack, "ns", namespace=NamespaceItem("legacy", False, {"istio.io/rev": "canary"}, "m"))
    assert synth_stack(stack)["resource"] == {
        "kubernetes_labels": {
            "legacy": {
                "api_version": "v1",
                "kind": "Namespace",
                "metadata": {"name": "legacy"},
                "labels": {"istio.io/rev": "canary"},
                "field_manager": "m",
                "force": True,
            }
        }
    }

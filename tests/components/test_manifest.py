"""IstioManifest and ManifestSet (components/manifest.py), on fresh stacks."""

from __future__ import annotations

import pytest

from conftest import fresh_stack, synth_stack
from istio_mesh.components.upstream import Rendered
from istio_mesh.plan.items import ManifestItem

OBJECT = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "b"}}


def test_a_manifest_is_rendered_at_its_plan_address_with_its_field_manager() -> None:
    from istio_mesh.components import IstioManifest

    stack = fresh_stack()
    IstioManifest(stack, "x", item=ManifestItem("config_map_b_a", OBJECT, (), "istio-mesh"))
    assert synth_stack(stack)["resource"]["kubernetes_manifest"] == {
        "config_map_b_a": {
            "manifest": OBJECT,
            "field_manager": {"name": "istio-mesh", "force_conflicts": True},
        }
    }


def test_a_set_waits_for_what_each_item_names_including_earlier_members() -> None:
    from istio_mesh.components import ManifestSet

    first = ManifestItem("first", OBJECT)
    second = ManifestItem("second", {**OBJECT, "metadata": {"name": "c", "namespace": "b"}},
                          ("kubernetes_manifest.first",))
    stack = fresh_stack()
    ManifestSet(stack, "set", items=[first, second])
    resources = synth_stack(stack)["resource"]["kubernetes_manifest"]
    assert "depends_on" not in resources["first"] and "field_manager" not in resources["first"]
    assert resources["second"]["depends_on"] == ["kubernetes_manifest.first"]


def test_a_set_refuses_an_item_whose_upstream_is_not_rendered_yet() -> None:
    from istio_mesh.components import ManifestSet

    late = ManifestItem("late", OBJECT, ("kubernetes_namespace_v1.shop",))
    stack = fresh_stack()
    with pytest.raises(
        ValueError, match=r"^test: rendered out of plan order: kubernetes_namespace_v1.shop not rendered yet$"
    ):
        ManifestSet(stack, "set", items=[late], rendered=Rendered(stack))


def test_two_items_at_one_address_are_refused() -> None:
    from istio_mesh.components import ManifestSet

    item = ManifestItem("same", OBJECT)
    with pytest.raises(ValueError, match=r"^test/set: two resources at kubernetes_manifest.same: "):
        ManifestSet(fresh_stack(), "set", items=[item, item])

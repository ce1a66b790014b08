"""ExtraResources (components/extra_resources.py): the config's
``extraResources`` applied as written, at ``extra_<kind>_<namespace>_<name>``.
This file checks the rendered object and its wait on an onboarded namespace,
and the refusal when that namespace is not rendered yet."""

from __future__ import annotations

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.components.upstream import Rendered
from istio_mesh.plan import policies_plan

EXTRA = """
namespaces: [{name: shop, create: true}]
extraResources:
  - apiVersion: networking.istio.io/v1
    kind: DestinationRule
    metadata: {name: sf, namespace: shop, labels: {team: web}}
    spec: {host: sf}
  - apiVersion: telemetry.istio.io/v1
    kind: Telemetry
    metadata: {name: edge-logs, namespace: istio-ingress}
    spec: {accessLogging: [{providers: [{name: envoy}]}]}
"""


def test_extra_resources_are_applied_as_written_after_their_onboarded_namespace() -> None:
    from istio_mesh.components import ExtraResources, MeshNamespace

    plan = policies_plan(config_from(EXTRA))
    stack = fresh_stack()
    rendered = Rendered(stack)
    (shop,) = plan.namespaces
    rendered.add(shop.address, MeshNamespace(stack, "shop", namespace=shop).resource)
    ExtraResources(stack, "extra", items=plan.extra_resources, rendered=rendered)
    assert synth_stack(stack)["resource"]["kubernetes_manifest"] == {
        "extra_destination_rule_shop_sf": {
            "manifest": {
                "apiVersion": "networking.istio.io/v1",
                "kind": "DestinationRule",
                "metadata": {"name": "sf", "namespace": "shop", "labels": {"team": "web"}},
                "spec": {"host": "sf"},
            },
            "depends_on": ["kubernetes_namespace_v1.shop"],
        },
        # A namespace this stack does not onboard: nothing to wait for.
        "extra_telemetry_istio-ingress_edge-logs": {
            "manifest": {
                "apiVersion": "telemetry.istio.io/v1",
                "kind": "Telemetry",
                "metadata": {"name": "edge-logs", "namespace": "istio-ingress"},
                "spec": {"accessLogging": [{"providers": [{"name": "envoy"}]}]},
            },
        },
    }


def test_an_extra_resource_before_its_namespace_is_refused() -> None:
    from istio_mesh.components import ExtraResources

    plan = policies_plan(config_from(EXTRA))
    with pytest.raises(ValueError, match=r"^test: rendered out of plan order: kubernetes_namespace_v1.shop not rendered yet$"):
        ExtraResources(fresh_stack(), "extra", items=plan.extra_resources, rendered=Rendered(fresh_stack()))

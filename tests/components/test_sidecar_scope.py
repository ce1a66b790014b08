"""SidecarScope (components/sidecar_scope.py): one Sidecar ``default`` per
onboarded namespace with injection. This file checks the Sidecar rendered
after its namespace, and that it is refused before the namespace is rendered."""

from __future__ import annotations

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.components.upstream import Rendered
from istio_mesh.plan import policies_plan

SCOPED = """
namespaces: [{name: shop, create: true}, {name: batch, create: true, injection: false}]
sidecarScope: {enabled: true}
"""


def test_each_injected_namespace_gets_a_default_sidecar_after_the_namespace() -> None:
    from istio_mesh.components import MeshNamespace, SidecarScope

    plan = policies_plan(config_from(SCOPED))
    stack = fresh_stack()
    rendered = Rendered(stack)
    for namespace in plan.namespaces:
        rendered.add(namespace.address, MeshNamespace(stack, namespace.name, namespace=namespace).resource)
    SidecarScope(stack, "sidecar-scope", items=plan.sidecars, rendered=rendered)
    # batch has no injection, so no sidecars to scope.
    assert synth_stack(stack)["resource"]["kubernetes_manifest"] == {
        "sidecar_shop_default": {
            "manifest": {
                "apiVersion": "networking.istio.io/v1",
                "kind": "Sidecar",
                "metadata": {"name": "default", "namespace": "shop"},
                # Its own namespace and the root namespace, nothing else by default.
                "spec": {"egress": [{"hosts": ["./*", "istio-system/*"]}]},
            },
            "depends_on": ["kubernetes_namespace_v1.shop"],
        }
    }


def test_a_sidecar_before_its_namespace_is_refused() -> None:
    from istio_mesh.components import SidecarScope

    plan = policies_plan(config_from(SCOPED))
    with pytest.raises(ValueError, match=r"^test: rendered out of plan order: kubernetes_namespace_v1.shop not rendered yet$"):
        SidecarScope(fresh_stack(), "sidecar-scope", items=plan.sidecars, rendered=Rendered(fresh_stack()))

"""AuthorizationPolicies (components/authorization.py): the gateways' and the
config's ALLOW policies, then the mesh-wide default deny after every one of
them. This file checks the rendered manifests and their depends_on, and that
an allow rule whose namespace is not rendered yet is refused."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.components.upstream import Rendered
from istio_mesh.plan import policies_plan

DENY = """
gateways: [{name: edge, kind: ingress}]
namespaces: [{name: shop, create: true}]
authorization:
  defaultDeny: true
  ingress: [{gateway: edge}]
  allow:
    - {name: web, namespace: shop, from: {namespaces: [shop]}}
"""


def _onboarded(stack: Any, text: str) -> tuple[Any, Rendered]:
    """The config's policies plan, with its namespaces rendered on ``stack``."""
    from istio_mesh.components import MeshNamespace

    plan = policies_plan(config_from(text))
    rendered = Rendered(stack)
    for namespace in plan.namespaces:
        rendered.add(namespace.address, MeshNamespace(stack, namespace.name, namespace=namespace).resource)
    return plan, rendered


def test_the_allow_policies_render_then_the_default_deny_after_every_one() -> None:
    from istio_mesh.components import AuthorizationPolicies

    stack = fresh_stack()
    plan, rendered = _onboarded(stack, DENY)
    AuthorizationPolicies(stack, "authorization", items=plan.authorization, rendered=rendered)
    manifests = synth_stack(stack)["resource"]["kubernetes_manifest"]
    assert sorted(manifests) == [
        "authorization_policy_istio-ingress_allow-edge",
        "authorization_policy_istio-system_allow-nothing",
        "authorization_policy_shop_web",
    ]
    assert manifests["authorization_policy_istio-system_allow-nothing"] == {
        "manifest": {
            "apiVersion": "security.istio.io/v1",
            "kind": "AuthorizationPolicy",
            "metadata": {"name": "allow-nothing", "namespace": "istio-system"},
            "spec": {"action": "ALLOW"},
        },
        "depends_on": [
            "kubernetes_manifest.authorization_policy_istio-ingress_allow-edge",
            "kubernetes_manifest.authorization_policy_shop_web",
        ],
    }
    assert manifests["authorization_policy_shop_web"] == {
        "manifest": {
            "apiVersion": "security.istio.io/v1",
            "kind": "AuthorizationPolicy",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"action": "ALLOW", "rules": [{"from": [{"source": {"namespaces": ["shop"]}}]}]},
        },
        "depends_on": ["kubernetes_namespace_v1.shop"],
    }
    # The gateway's namespace belongs to the mesh stack: nothing to wait for here.
    assert "depends_on" not in manifests["authorization_policy_istio-ingress_allow-edge"]


def test_without_default_deny_no_allow_nothing_policy_is_rendered() -> None:
    from istio_mesh.components import AuthorizationPolicies

    stack = fresh_stack()
    plan, rendered = _onboarded(stack, DENY.replace("defaultDeny: true", "defaultDeny: false"))
    AuthorizationPolicies(stack, "authorization", items=plan.authorization, rendered=rendered)
    assert sorted(synth_stack(stack)["resource"]["kubernetes_manifest"]) == [
        "authorization_policy_istio-ingress_allow-edge", "authorization_policy_shop_web",
    ]


def test_an_allow_rule_whose_namespace_is_not_rendered_yet_is_refused() -> None:
    from istio_mesh.components import AuthorizationPolicies

    plan = policies_plan(config_from(DENY))
    with pytest.raises(ValueError, match=r"^test: rendered out of plan order: kubernetes_namespace_v1.shop not rendered yet$"):
        AuthorizationPolicies(fresh_stack(), "authorization", items=plan.authorization, rendered=Rendered(fresh_stack()))

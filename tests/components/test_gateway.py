"""IstioGateway (components/gateway.py): a gateway chart release, installed once
istiod (and, for a gateway following a revision tag, the tag's webhook) is
ready. This file checks the release and its upstream, and the refusal of a
gateway composed without istiod."""

from __future__ import annotations

import json

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import mesh_plan


def test_an_ingress_gateway_installs_in_istio_ingress_after_istiod() -> None:
    from istio_mesh.components import IstioBase, IstioGateway, Istiod

    plan = mesh_plan(config_from("gateways: [{name: edge, kind: ingress}]"))
    (item,) = plan.gateways
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    istiod = Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource])
    IstioGateway(stack, "gateway-edge", release=item, after=[istiod.resource])
    release = synth_stack(stack)["resource"]["helm_release"]["edge"]
    assert (release["name"], release["chart"], release["version"], release["namespace"]) == (
        "edge", "gateway", "1.30.3", "istio-ingress")
    assert release["repository"] == "https://blob.istio.io/istio-release/charts"
    assert release["depends_on"] == ["helm_release.istiod"]
    assert json.loads(release["values"][0])["service"]["type"] == "LoadBalancer"


def test_a_gateway_on_a_revision_tag_also_waits_for_the_tags_webhook() -> None:
    from istio_mesh.components import IstioBase, IstioGateway, Istiod, RevisionTag

    plan = mesh_plan(config_from(
        "revisionTags: {prod-stable: default}\ngateways: [{name: edge, kind: ingress, revision: prod-stable}]"
    ))
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    istiod = Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource])
    tag = RevisionTag(stack, "tag", tag=plan.tags["prod-stable"], after=[istiod.resource])
    IstioGateway(stack, "gateway-edge", release=plan.gateways[0], after=[istiod.resource, tag.webhook])
    assert synth_stack(stack)["resource"]["helm_release"]["edge"]["depends_on"] == [
        "helm_release.istiod", "kubernetes_manifest.revision_tag_prod-stable_webhook",
    ]


def test_a_gateway_without_istiod_is_refused() -> None:
    from istio_mesh.components import IstioGateway

    plan = mesh_plan(config_from("gateways: [{name: edge, kind: ingress}]"))
    with pytest.raises(ValueError, match=r"^test/gateway-edge: release 'edge' comes after helm_release.istiod in the mesh plan"):
        IstioGateway(fresh_stack(), "gateway-edge", release=plan.gateways[0])

"""IstioChart (components/release.py) and the five chart components built on
it, each on a fresh stack."""

from __future__ import annotations

import json

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import mesh_plan
from istio_mesh.plan.items import HelmReleaseItem

ITEM = HelmReleaseItem(
    name="edge",
    component="gateway",
    chart="gateway",
    repository="https://charts.example/istio",
    version="1.30.3",
    namespace="istio-ingress",
    values={"service": {"type": "LoadBalancer"}, "autoscaling": {"enabled": False}},
    wait=True,
    timeout_seconds=600,
    atomic=True,
    max_history=5,
    after=(),
)


def test_a_release_renders_every_setting_of_its_item_at_the_release_name() -> None:
    from istio_mesh.components import IstioGateway

    stack = fresh_stack()
    IstioGateway(stack, "gateway", release=ITEM)
    assert synth_stack(stack)["resource"]["helm_release"] == {
        "edge": {
            "name": "edge",
            "chart": "gateway",
            "repository": "https://charts.example/istio",
            "version": "1.30.3",
            "namespace": "istio-ingress",
            "create_namespace": True,
            # JSON text with sorted keys: valid YAML that escapes every string.
            "values": ['{"autoscaling":{"enabled":false},"service":{"type":"LoadBalancer"}}'],
            "wait": True,
            "wait_for_jobs": True,
            "timeout": 600,
            "atomic": True,
            "cleanup_on_fail": True,
            "max_history": 5,
        }
    }


def test_a_protected_release_refuses_destroy() -> None:
    from dataclasses import replace

    from istio_mesh.components import IstioBase

    stack = fresh_stack()
    IstioBase(stack, "base", release=replace(ITEM, name="istio-base", chart="base", prevent_destroy=True))
    release = synth_stack(stack)["resource"]["helm_release"]["istio-base"]
    assert release["lifecycle"] == {"prevent_destroy": True}


def test_a_release_waits_for_the_objects_passed_as_after() -> None:
    from istio_mesh.components import IstioBase, IstioCni, Istiod

    plan = mesh_plan(config_from("cni: {enabled: true}"))
    assert plan.cni is not None
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    cni = IstioCni(stack, "cni", release=plan.cni, after=[base.resource])
    Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource, cni.resource])
    releases = synth_stack(stack)["resource"]["helm_release"]
    assert releases["istiod"]["depends_on"] == ["helm_release.istio-base", "helm_release.istio-cni"]
    assert releases["istio-cni"]["depends_on"] == ["helm_release.istio-base"]
    assert "depends_on" not in releases["istio-base"]


def test_a_release_refuses_to_skip_an_upstream_object_its_plan_item_names() -> None:
    from istio_mesh.components import IstioBase, Istiod

    plan = mesh_plan(config_from("cni: {enabled: true}"))
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    with pytest.raises(
        ValueError,
        match=r"^test/istiod: release 'istiod' comes after helm_release.istio-cni in the mesh plan; "
        r"pass the construct's resource in after=$",
    ):
        Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource])


def test_values_keep_nulls_in_lists_and_quotes_escaped() -> None:
    from dataclasses import replace

    from istio_mesh.components import IstioGateway

    stack = fresh_stack()
    IstioGateway(stack, "gateway", release=replace(ITEM, values={"a": [None, 'say "hi"']}))
    (text,) = synth_stack(stack)["resource"]["helm_release"]["edge"]["values"]
    assert json.loads(text) == {"a": [None, 'say "hi"']}


def test_the_upstream_check_knows_each_address_without_asking_jsii() -> None:
    from istio_mesh.components import IstioBase
    from istio_mesh.components.upstream import address_of

    plan = mesh_plan(config_from("{}"))
    base = IstioBase(fresh_stack(), "base", release=plan.base)
    assert address_of(base.resource) == "helm_release.istio-base"
    # The same address jsii gives the resource, which the check would ask for otherwise.
    resource = base.resource
    assert f"{resource.terraform_resource_type}.{resource.friendly_unique_id}" == "helm_release.istio-base"

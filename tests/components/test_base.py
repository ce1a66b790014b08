"""IstioBase (components/base.py): the ``base`` chart's release, first of every
mesh. This file checks the release it renders from the plan's base item, the
protected form, and that an upstream its item would name cannot be skipped."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import mesh_plan


def test_base_renders_the_base_chart_at_helm_release_istio_base_with_no_upstream() -> None:
    from istio_mesh.components import IstioBase

    stack = fresh_stack()
    IstioBase(stack, "base", release=mesh_plan(config_from("{}")).base)
    releases = synth_stack(stack)["resource"]["helm_release"]
    assert list(releases) == ["istio-base"]
    base = releases["istio-base"]
    assert {k: v for k, v in base.items() if k != "values"} == {
        "name": "istio-base",
        "chart": "base",
        "repository": "https://blob.istio.io/istio-release/charts",
        "version": "1.30.3",
        "namespace": "istio-system",
        "create_namespace": True,
        "wait": True,
        "wait_for_jobs": True,
        "timeout": 600,
        "atomic": True,
        "cleanup_on_fail": True,
        "max_history": 10,
    }
    assert json.loads(base["values"][0]) == {
        "base": {"enableCRDTemplates": True},
        "defaultRevision": "default",
        "global": {"istioNamespace": "istio-system"},
    }


def test_with_prevent_destroy_terraform_refuses_to_destroy_base() -> None:
    from istio_mesh.components import IstioBase

    stack = fresh_stack()
    IstioBase(stack, "base", release=mesh_plan(config_from("protection: {preventDestroy: true}")).base)
    assert synth_stack(stack)["resource"]["helm_release"]["istio-base"]["lifecycle"] == {"prevent_destroy": True}


def test_a_base_item_that_names_an_upstream_is_refused_without_it() -> None:
    from istio_mesh.components import IstioBase

    item = replace(mesh_plan(config_from("{}")).base, after=("terraform_data.guard",))
    with pytest.raises(ValueError, match=r"^test/base: release 'istio-base' comes after terraform_data.guard in the mesh plan"):
        IstioBase(fresh_stack(), "base", release=item)

"""IstioCni (components/cni.py): the CNI node agent's release. This file checks
it follows base in sidecar mode and base and istiod in ambient mode, and that
a missing upstream release is refused."""

from __future__ import annotations

import json

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import mesh_plan

AMBIENT = "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}"


def test_in_sidecar_mode_cni_installs_in_kube_system_after_base() -> None:
    from istio_mesh.components import IstioBase, IstioCni

    plan = mesh_plan(config_from("cni: {enabled: true}"))
    assert plan.cni is not None
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    IstioCni(stack, "cni", release=plan.cni, after=[base.resource])
    cni = synth_stack(stack)["resource"]["helm_release"]["istio-cni"]
    assert (cni["name"], cni["chart"], cni["version"], cni["namespace"]) == ("istio-cni", "cni", "1.30.3", "kube-system")
    assert cni["depends_on"] == ["helm_release.istio-base"]
    assert json.loads(cni["values"][0]) == {"global": {"hub": "docker.io/istio"}}


def test_in_ambient_mode_cni_waits_for_base_and_istiod_and_runs_the_ambient_profile() -> None:
    from istio_mesh.components import IstioBase, IstioCni, Istiod

    plan = mesh_plan(config_from(AMBIENT))
    assert plan.cni is not None
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    istiod = Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource])
    IstioCni(stack, "cni", release=plan.cni, after=[base.resource, istiod.resource])
    cni = synth_stack(stack)["resource"]["helm_release"]["istio-cni"]
    assert cni["depends_on"] == ["helm_release.istio-base", "helm_release.istiod"]
    assert json.loads(cni["values"][0])["profile"] == "ambient"


def test_ambient_cni_without_istiod_is_refused() -> None:
    from istio_mesh.components import IstioBase, IstioCni

    plan = mesh_plan(config_from(AMBIENT))
    assert plan.cni is not None
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    with pytest.raises(ValueError, match=r"^test/cni: release 'istio-cni' comes after helm_release.istiod in the mesh plan"):
        IstioCni(stack, "cni", release=plan.cni, after=[base.resource])

"""Ztunnel (components/ztunnel.py): the ambient node proxy's release, last of
Istio's ambient order. This file checks it follows istiod and the CNI agent,
and that skipping the CNI agent is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import mesh_plan

AMBIENT = "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}"


def _upstream(stack: Any) -> tuple[Any, Any, Any]:
    """base, istiod and cni of the ambient plan, rendered in order on ``stack``."""
    from istio_mesh.components import IstioBase, IstioCni, Istiod

    plan = mesh_plan(config_from(AMBIENT))
    assert plan.cni is not None
    base = IstioBase(stack, "base", release=plan.base)
    istiod = Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource])
    cni = IstioCni(stack, "cni", release=plan.cni, after=[base.resource, istiod.resource])
    return base, istiod, cni


def test_ztunnel_installs_in_istio_system_after_istiod_and_cni() -> None:
    from istio_mesh.components import Ztunnel

    plan = mesh_plan(config_from(AMBIENT))
    assert plan.ztunnel is not None
    stack = fresh_stack()
    _, istiod, cni = _upstream(stack)
    Ztunnel(stack, "ztunnel", release=plan.ztunnel, after=[istiod.resource, cni.resource])
    ztunnel = synth_stack(stack)["resource"]["helm_release"]["ztunnel"]
    assert (ztunnel["name"], ztunnel["chart"], ztunnel["version"], ztunnel["namespace"]) == (
        "ztunnel", "ztunnel", "1.30.3", "istio-system")
    assert ztunnel["depends_on"] == ["helm_release.istiod", "helm_release.istio-cni"]
    assert json.loads(ztunnel["values"][0]) == {
        "hub": "docker.io/istio", "istioNamespace": "istio-system", "profile": "ambient", "revision": "",
    }


def test_ztunnel_without_the_cni_agent_is_refused() -> None:
    from istio_mesh.components import Ztunnel

    plan = mesh_plan(config_from(AMBIENT))
    assert plan.ztunnel is not None
    stack = fresh_stack()
    _, istiod, _ = _upstream(stack)
    with pytest.raises(ValueError, match=r"^test/ztunnel: release 'ztunnel' comes after helm_release.istio-cni in the mesh plan"):
        Ztunnel(stack, "ztunnel", release=plan.ztunnel, after=[istiod.resource])

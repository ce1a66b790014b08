"""Istiod (components/istiod.py): one istiod release per revision. This file
checks the un-revisioned and revisioned releases (address, version, revision),
that istiod waits for base, the CNI agent and the plug-in CA's secret, and that
composing it without the secret is refused."""

from __future__ import annotations

import json

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import mesh_plan

REVISIONS = "revisions: [{name: 1-30-3}, {name: 1-29-6, version: '1.29.6'}]\ndefaultRevision: 1-30-3"


def test_the_default_revision_is_the_release_istiod_after_base() -> None:
    from istio_mesh.components import IstioBase, Istiod

    plan = mesh_plan(config_from("{}"))
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    istiod = Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource])
    assert istiod.revision == "default"
    release = synth_stack(stack)["resource"]["helm_release"]["istiod"]
    assert (release["name"], release["chart"], release["version"], release["namespace"]) == (
        "istiod", "istiod", "1.30.3", "istio-system")
    assert release["depends_on"] == ["helm_release.istio-base"]
    assert json.loads(release["values"][0])["global"]["istioNamespace"] == "istio-system"


def test_each_revision_is_its_own_release_at_its_own_version() -> None:
    from istio_mesh.components import IstioBase, Istiod

    plan = mesh_plan(config_from(REVISIONS))
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    new = Istiod(stack, "new", release=plan.istiods["1-30-3"], after=[base.resource])
    old = Istiod(stack, "old", release=plan.istiods["1-29-6"], after=[base.resource])
    assert (new.revision, old.revision) == ("1-30-3", "1-29-6")
    releases = synth_stack(stack)["resource"]["helm_release"]
    assert sorted(releases) == ["istio-base", "istiod-1-29-6", "istiod-1-30-3"]
    assert (releases["istiod-1-30-3"]["version"], releases["istiod-1-29-6"]["version"]) == ("1.30.3", "1.29.6")
    assert releases["istiod-1-29-6"]["name"] == "istiod-1-29-6"
    assert releases["istiod-1-29-6"]["depends_on"] == ["helm_release.istio-base"]


def test_istiod_waits_for_base_the_cni_agent_and_the_plugin_ca_secret() -> None:
    from istio_mesh.components import IstioBase, IstioCni, Istiod, PluginCaCerts

    plan = mesh_plan(config_from("cni: {enabled: true}\nca: {mode: plugin}"))
    assert plan.cni is not None and plan.ca_secret is not None
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    cni = IstioCni(stack, "cni", release=plan.cni, after=[base.resource])
    ca = PluginCaCerts(stack, "ca", secret=plan.ca_secret, after=[base.resource])
    Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource, cni.resource, ca.resource])
    assert synth_stack(stack)["resource"]["helm_release"]["istiod"]["depends_on"] == [
        "helm_release.istio-base", "helm_release.istio-cni", "kubernetes_secret_v1.cacerts",
    ]


def test_istiod_without_the_plugin_ca_secret_is_refused() -> None:
    from istio_mesh.components import IstioBase, Istiod

    plan = mesh_plan(config_from("ca: {mode: plugin}"))
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    with pytest.raises(ValueError, match=r"^test/istiod: release 'istiod' comes after kubernetes_secret_v1.cacerts in the mesh plan"):
        Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource])

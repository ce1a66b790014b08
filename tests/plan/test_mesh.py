"""The mesh plan (istio_mesh.plan.mesh): what the mesh stack creates, in what
order, at which address. Pure Python: no jsii, every expectation written out."""

from __future__ import annotations

import pytest

from conftest import config_from
from istio_mesh.plan import mesh_plan
from istio_mesh.plan.items import HelmReleaseItem


def addresses(text: str) -> list[str]:
    return [item.address for item in mesh_plan(config_from(text)).items]


def after(text: str) -> dict[str, tuple[str, ...]]:
    return {item.address: item.after for item in mesh_plan(config_from(text)).items}


def test_a_minimal_mesh_is_base_then_istiod() -> None:
    assert after("{}") == {
        "helm_release.istio-base": (),
        "helm_release.istiod": ("helm_release.istio-base",),
    }


def test_sidecar_mode_with_cni_installs_the_agent_before_istiod_and_gateways_last() -> None:
    text = "cni: {enabled: true}\ngateways: [{name: edge, kind: ingress}, {name: out, kind: egress}]"
    assert after(text) == {
        "helm_release.istio-base": (),
        "helm_release.istio-cni": ("helm_release.istio-base",),
        "helm_release.istiod": ("helm_release.istio-base", "helm_release.istio-cni"),
        "helm_release.edge": ("helm_release.istiod",),
        "helm_release.out": ("helm_release.istiod",),
    }


def test_ambient_follows_istios_documented_order() -> None:
    text = "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}"
    assert addresses(text) == [
        "helm_release.istio-base",
        "helm_release.istiod",
        "helm_release.istio-cni",
        "helm_release.ztunnel",
    ]
    order = after(text)
    assert order["helm_release.istio-cni"] == ("helm_release.istio-base", "helm_release.istiod")
    assert order["helm_release.ztunnel"] == ("helm_release.istiod", "helm_release.istio-cni")


def test_the_plugged_in_ca_secret_sits_between_base_and_istiod() -> None:
    plan = mesh_plan(config_from("ca: {mode: plugin}"))
    assert plan.ca_secret is not None
    assert plan.ca_secret.address == "kubernetes_secret_v1.cacerts"
    assert plan.ca_secret.after == ("helm_release.istio-base",)
    assert plan.istiods["default"].after == ("helm_release.istio-base", "kubernetes_secret_v1.cacerts")
    assert [v.name for v in plan.ca_secret.variables] == [
        "istio_ca_cert", "istio_ca_key", "istio_root_cert", "istio_cert_chain",
    ]
    assert dict(plan.ca_secret.data) == {
        "ca-cert.pem": "${var.istio_ca_cert}",
        "ca-key.pem": "${var.istio_ca_key}",
        "root-cert.pem": "${var.istio_root_cert}",
        "cert-chain.pem": "${var.istio_cert_chain}",
    }
    assert plan.needs_kubernetes_provider and plan.needs_write_only_attributes


def test_a_mesh_of_helm_releases_only_needs_no_kubernetes_provider() -> None:
    plan = mesh_plan(config_from("gateways: [{name: edge, kind: ingress}]"))
    assert not plan.needs_kubernetes_provider
    assert not plan.needs_write_only_attributes


REVISIONS = """
revisions:
  - {name: 1-29-6, version: "1.29.6"}
  - {name: 1-30-3, version: "1.30.3"}
revisionTags: {prod-stable: 1-29-6, prod-canary: 1-30-3}
defaultRevision: prod-stable
gateways:
  - {name: edge, kind: ingress}
  - {name: canary-edge, kind: ingress, revision: prod-canary}
"""


def test_revisions_tags_and_the_gateways_that_follow_them() -> None:
    plan = mesh_plan(config_from(REVISIONS))
    assert [item.address for item in plan.items] == [
        "helm_release.istio-base",
        "helm_release.istiod-1-29-6",
        "helm_release.istiod-1-30-3",
        "kubernetes_manifest.revision_tag_default_webhook",
        "kubernetes_manifest.revision_tag_default_service",
        "kubernetes_manifest.revision_tag_prod-canary_webhook",
        "kubernetes_manifest.revision_tag_prod-canary_service",
        "kubernetes_manifest.revision_tag_prod-stable_webhook",
        "kubernetes_manifest.revision_tag_prod-stable_service",
        "helm_release.edge",
        "helm_release.canary-edge",
    ]
    assert {tag: items.revision for tag, items in plan.tags.items()} == {
        "default": "1-29-6", "prod-canary": "1-30-3", "prod-stable": "1-29-6",
    }
    edge, canary = plan.gateways
    assert (edge.version, edge.after) == (
        "1.29.6", ("helm_release.istiod-1-29-6", "kubernetes_manifest.revision_tag_default_webhook"),
    )
    assert (canary.version, canary.after) == (
        "1.30.3", ("helm_release.istiod-1-30-3", "kubernetes_manifest.revision_tag_prod-canary_webhook"),
    )
    assert plan.default_revision == "1-29-6"
    assert [(i.name, i.version, i.revision) for i in plan.istiods.values()] == [
        ("istiod-1-29-6", "1.29.6", "1-29-6"), ("istiod-1-30-3", "1.30.3", "1-30-3"),
    ]


def test_every_release_shares_the_helm_settings() -> None:
    plan = mesh_plan(config_from(
        "helm: {timeoutSeconds: 900, maxHistory: 7, atomic: true}\n"
        "istio: {chartRepository: https://charts.example/istio}\n"
        "gateways: [{name: edge, kind: ingress, service: {waitForAddress: false}}]"
    ))
    base, istiod, edge = plan.releases
    for release in (base, istiod, edge):
        assert (release.timeout_seconds, release.max_history) == (900, 7)
        assert release.repository == "https://charts.example/istio"
    assert (base.wait, base.atomic) == (True, True)
    # Helm 3 waits for a LoadBalancer address; this gateway is not waited
    # for, and an unwaited release cannot be atomic.
    assert (edge.wait, edge.atomic) == (False, False)


def test_only_a_protected_base_refuses_destroy() -> None:
    plan = mesh_plan(config_from("protection: {preventDestroy: true}"))
    assert [(r.name, r.prevent_destroy) for r in plan.releases] == [
        ("istio-base", True), ("istiod", False),
    ]


def test_release_charts_follow_the_component() -> None:
    plan = mesh_plan(config_from("cni: {enabled: true}\ngateways: [{name: edge, kind: ingress}]"))
    assert [(r.name, r.chart) for r in plan.releases] == [
        ("istio-base", "base"), ("istio-cni", "cni"), ("istiod", "istiod"), ("edge", "gateway"),
    ]
    assert all(isinstance(r, HelmReleaseItem) for r in plan.releases)


def test_a_remote_clusters_namespace_names_its_network_and_primary() -> None:
    plan = mesh_plan(config_from(
        "mesh: {meshId: mesh2}\nmulticluster:\n  clusterName: edge\n  network: net-edge\n  role: remote\n"
        "  primaryCluster: central\n  primaryAddress: 10.0.0.9\n"
    ))
    assert [(i.address, dict(i.entries)) for i in plan.network] == [
        ("kubernetes_labels.root_namespace_network", {"topology.istio.io/network": "net-edge"}),
        (
            "kubernetes_annotations.root_namespace_control_plane",
            {"topology.istio.io/controlPlaneClusters": "central"},
        ),
    ]
    assert all(item.after == ("helm_release.istio-base",) for item in plan.network)


@pytest.mark.parametrize("text", ["{}", REVISIONS])
def test_addresses_are_unique(text: str) -> None:
    found = addresses(text)
    assert len(found) == len(set(found))

"""Revisions, revision tags and ambient mode: pure resolution and the synthesized steps."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Synth, config_from, helm_releases, release_values
from istio_mesh.config.control_planes import control_planes, default_revision, managed_tags, resolve
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.manifests.namespaces import namespace_labels, waypoint
from istio_mesh.manifests.revision_tags import tag_service, tag_webhook

CANARY = """
istio: {version: '1.30.3'}
revisions:
  - {name: 1-29-6, version: '1.29.6', replicas: 3}
  - {name: 1-30-3, replicas: 1, autoscaling: {enabled: false}}
revisionTags: {prod-stable: 1-29-6, prod-canary: 1-30-3}
defaultRevision: prod-stable
"""


def _depends_on(resource: dict[str, Any]) -> list[str]:
    return sorted(resource.get("depends_on", []))


def _tags(synth: Synth, step: str) -> dict[str, str]:
    """tag -> Service the tag's webhooks call, in a synthesized mesh stack."""
    manifests = synth.stack(f"{step}-mesh")["resource"].get("kubernetes_manifest", {})
    out = {}
    for rid, resource in manifests.items():
        manifest = resource["manifest"]
        if manifest["kind"] == "MutatingWebhookConfiguration":
            services = {w["clientConfig"]["service"]["name"] for w in manifest["webhooks"]}
            (out[manifest["metadata"]["labels"]["istio.io/tag"]],) = services
    return out


def _namespace_labels(synth: Synth, step: str) -> dict[str, dict[str, str]]:
    resources = synth.stack(f"{step}-policies")["resource"]
    return {n: r["metadata"]["labels"] for n, r in resources.get("kubernetes_namespace_v1", {}).items()}


# --- resolution, without jsii -------------------------------------------------


def test_without_revisions_there_is_one_unrevisioned_istiod() -> None:
    config = config_from("istiod: {replicas: 2}")
    (plane,) = control_planes(config)
    assert (plane.revision, plane.chart_revision, plane.release_name) == ("default", "", "istiod")
    assert plane.settings.replicas == 2
    assert default_revision(config) == "default"
    assert managed_tags(config) == {}  # the chart's own webhook serves istio-injection


def test_revisions_resolve_through_tags_and_the_default() -> None:
    config = config_from(CANARY)
    planes = {p.revision: p for p in control_planes(config)}
    assert {r: (p.version, p.release_name) for r, p in planes.items()} == {
        "1-29-6": ("1.29.6", "istiod-1-29-6"), "1-30-3": ("1.30.3", "istiod-1-30-3")}
    assert resolve(config, "prod-canary") == planes["1-30-3"]
    assert resolve(config, None) == planes["1-29-6"]
    assert resolve(config, "1-30-3") == planes["1-30-3"]
    assert resolve(config, "nope") is None
    assert {t: p.revision for t, p in managed_tags(config).items()} == {
        "default": "1-29-6", "prod-canary": "1-30-3", "prod-stable": "1-29-6"}


def test_unrevisioned_istiod_can_be_listed_as_revision_default() -> None:
    # Upgrading an existing install: it stays release `istiod`, so nothing reinstalls.
    config = config_from(
        "istio: {version: '1.30.3'}\nrevisions: [{name: default, version: '1.29.6'}, {name: 1-30-3}]\n"
        "revisionTags: {canary: 1-30-3}"
    )
    assert [p.release_name for p in control_planes(config)] == ["istiod", "istiod-1-30-3"]
    assert default_revision(config) == "default"
    assert list(managed_tags(config)) == ["canary"]


@pytest.mark.parametrize(
    ("namespace", "labels"),
    [
        ("{name: a}", {"istio-injection": "enabled"}),
        ("{name: a, injection: false}", {"istio-injection": "disabled"}),
        ("{name: a, revision: prod-stable}", {"istio.io/rev": "prod-stable"}),
        ("{name: a, dataplane: ambient}", {"istio.io/dataplane-mode": "ambient"}),
        ("{name: a, dataplane: ambient, waypoint: true}",
         {"istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint"}),
    ],
)
def test_one_data_plane_label_per_namespace(namespace: str, labels: dict[str, str]) -> None:
    config = config_from(
        f"istio: {{profile: ambient}}\ncni: {{enabled: true}}\nztunnel: {{enabled: true}}\n"
        f"revisions: [{{name: default}}]\nrevisionTags: {{prod-stable: default}}\n"
        f"namespaces: [{namespace}]"
    )
    assert namespace_labels(config.namespaces[0]) == labels


def test_tag_webhook_matches_the_charts_revision_tag_template() -> None:
    # Rendered from istiod 1.30.3's revision-tags-mwc.yaml with revision=1-30-3,
    # revisionTags={prod-canary}: `helm template` gave webhooks identical to these.
    config = config_from(CANARY)
    plane = resolve(config, "prod-canary")
    assert plane is not None
    webhook = tag_webhook("prod-canary", plane, "istio-system")
    assert webhook["metadata"]["name"] == "istio-revision-tag-prod-canary"
    assert webhook["metadata"]["labels"]["istio.io/rev"] == "1-30-3"
    assert [w["name"] for w in webhook["webhooks"]] == [
        "rev.namespace.sidecar-injector.istio.io", "rev.object.sidecar-injector.istio.io"]
    assert {w["clientConfig"]["service"]["name"] for w in webhook["webhooks"]} == {"istiod-1-30-3"}
    assert all("caBundle" not in w["clientConfig"] for w in webhook["webhooks"])
    assert webhook["webhooks"][0]["namespaceSelector"]["matchExpressions"] == [
        {"key": "istio.io/rev", "operator": "In", "values": ["prod-canary"]},
        {"key": "istio-injection", "operator": "DoesNotExist"}]
    assert tag_service("prod-canary", plane, "istio-system")["spec"]["selector"] == {
        "app": "istiod", "istio.io/rev": "1-30-3"}


def test_default_tag_also_serves_istio_injection_enabled() -> None:
    config = config_from(CANARY)
    plane = resolve(config, None)
    assert plane is not None
    webhook = tag_webhook("default", plane, "custom-ns")
    assert webhook["metadata"]["name"] == "istio-revision-tag-default-custom-ns"
    names = [w["name"] for w in webhook["webhooks"]]
    assert names[2:] == ["namespace.sidecar-injector.istio.io", "object.sidecar-injector.istio.io"]
    assert webhook["webhooks"][2]["namespaceSelector"] == {
        "matchExpressions": [{"key": "istio-injection", "operator": "In", "values": ["enabled"]}]}


def test_waypoint_is_istioctls_gateway() -> None:
    assert waypoint("shop") == {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "waypoint", "namespace": "shop",
                     "labels": {"istio.io/waypoint-for": "service"}},
        "spec": {"gatewayClassName": "istio-waypoint",
                 "listeners": [{"name": "mesh", "port": 15008, "protocol": "HBONE"}]},
    }


def test_each_revision_gets_its_own_floor_and_revision_value() -> None:
    from istio_mesh.values import istiod_values

    config: MeshConfig = config_from(CANARY)
    old, new = (istiod_values(config, p) for p in control_planes(config))
    assert (old["revision"], old["autoscaleMin"], old["autoscaleEnabled"]) == ("1-29-6", 3, True)
    assert (new["revision"], new["replicaCount"], new["autoscaleEnabled"]) == ("1-30-3", 1, False)


# --- the upgrade runbook, synthesized ------------------------------------------


def test_step_1_installs_the_new_revision_beside_the_old(synth: Synth) -> None:
    releases = helm_releases(synth.stack("upgrade-step-1-mesh"))
    istiods = {rid: (r["version"], release_values(r)["revision"], release_values(r)["autoscaleMin"])
               for rid, r in releases.items() if r["chart"] == "istiod"}
    assert istiods == {"istiod-1-29-6": ("1.29.6", "1-29-6", 2),
                       "istiod-1-30-3": ("1.30.3", "1-30-3", 2)}
    assert releases["istio-base"]["version"] == "1.30.3"


@pytest.mark.parametrize(
    ("step", "tags", "namespaces", "gateway_version"),
    [
        ("upgrade-step-0", {"prod-stable": "istiod-1-29-6", "default": "istiod-1-29-6"},
         {"shop": "prod-stable", "checkout": "prod-stable"}, "1.29.6"),
        ("upgrade-step-1", {"prod-stable": "istiod-1-29-6", "default": "istiod-1-29-6"},
         {"shop": "prod-stable", "checkout": "prod-stable"}, "1.29.6"),
        ("upgrade-step-2", {"prod-stable": "istiod-1-29-6", "prod-canary": "istiod-1-30-3",
                            "default": "istiod-1-29-6"},
         {"shop": "prod-stable", "checkout": "prod-stable"}, "1.29.6"),
        ("upgrade-step-3", {"prod-stable": "istiod-1-29-6", "prod-canary": "istiod-1-30-3",
                            "default": "istiod-1-29-6"},
         {"shop": "prod-stable", "checkout": "prod-canary"}, "1.29.6"),
        ("upgrade-step-4", {"prod-stable": "istiod-1-30-3", "prod-canary": "istiod-1-30-3",
                            "default": "istiod-1-30-3"},
         {"shop": "prod-stable", "checkout": "prod-canary"}, "1.30.3"),
        ("upgrade-step-5", {"prod-stable": "istiod-1-30-3", "prod-canary": "istiod-1-30-3",
                            "default": "istiod-1-30-3"},
         {"shop": "prod-stable", "checkout": "prod-canary"}, "1.30.3"),
    ],
)
def test_each_step_points_tags_namespaces_and_gateway_where_the_config_says(
    synth: Synth, step: str, tags: dict[str, str], namespaces: dict[str, str], gateway_version: str
) -> None:
    assert _tags(synth, step) == tags
    labels = _namespace_labels(synth, step)
    assert {n: ls["istio.io/rev"] for n, ls in labels.items()} == namespaces
    assert all("istio-injection" not in ls for ls in labels.values())
    gateway = helm_releases(synth.stack(f"{step}-mesh"))["istio-ingressgateway"]
    assert gateway["version"] == gateway_version
    assert release_values(gateway)["revision"] == "prod-stable"
    # The gateway waits for the tag's webhook: its pods need it to get an image.
    assert "kubernetes_manifest.revision_tag_prod-stable_webhook" in _depends_on(gateway)


def test_moving_a_tag_keeps_its_terraform_address(synth: Synth) -> None:
    before = synth.stack("upgrade-step-3-mesh")["resource"]["kubernetes_manifest"]
    after = synth.stack("upgrade-step-4-mesh")["resource"]["kubernetes_manifest"]
    assert sorted(before) == sorted(after)  # an in-place update, never destroy + create
    moved = after["revision_tag_prod-stable_webhook"]
    assert moved["field_manager"] == {"name": "istio-mesh", "force_conflicts": True}
    assert _depends_on(moved) == ["helm_release.istiod-1-30-3"]


def test_base_default_revision_follows_the_default_tag(synth: Synth) -> None:
    def base_default(step: str) -> str:
        base = helm_releases(synth.stack(f"{step}-mesh"))["istio-base"]
        return str(release_values(base)["defaultRevision"])

    assert base_default("upgrade-step-3") == "1-29-6"
    assert base_default("upgrade-step-4") == "1-30-3"
    assert base_default("prod") == "default"


# --- ambient --------------------------------------------------------------------


def test_ambient_installs_in_istios_documented_order(synth: Synth) -> None:
    releases = helm_releases(synth.stack("ambient-mesh"))
    graph = {rid: _depends_on(r) for rid, r in releases.items()}
    assert graph == {
        "istio-base": [],
        # Istio's ambient Helm guide installs the Gateway API CRDs between base and istiod.
        "gateway-api-crds": ["helm_release.istio-base"],
        "istiod": ["helm_release.gateway-api-crds", "helm_release.istio-base",
                   "terraform_data.istiod-upgrade-guard"],
        "istio-cni": ["helm_release.istio-base", "helm_release.istiod"],
        "ztunnel": ["helm_release.istio-cni", "helm_release.istiod"],
        "istio-ingressgateway": ["helm_release.istiod"],
    }
    for rid in ("istiod", "istio-cni", "ztunnel"):
        assert release_values(releases[rid])["profile"] == "ambient", rid


def test_ambient_namespaces_carry_no_sidecar_label(synth: Synth) -> None:
    labels = _namespace_labels(synth, "ambient")
    assert labels == {
        "storefront": {"istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint"},
        "inventory": {"istio.io/dataplane-mode": "ambient"},
    }
    manifests = synth.stack("ambient-policies")["resource"]["kubernetes_manifest"]
    assert _depends_on(manifests["waypoint_storefront"]) == ["kubernetes_namespace_v1.storefront"]


def test_ztunnel_follows_an_external_ca() -> None:
    from istio_mesh.values import ztunnel_values

    ambient = "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"
    config = config_from(ambient + "ca: {mode: external, address: 'csr.cert-manager.svc:443'}")
    plane = resolve(config, None)
    assert plane is not None
    assert ztunnel_values(config, plane)["caAddress"] == "csr.cert-manager.svc:443"
    assert "caAddress" not in ztunnel_values(config_from(ambient), plane)

"""Day two as plain data (istio_mesh.plan.day_two): one retirement guard per
``retiredRevisions`` entry, and the Terraform health checks that apply to
what a config installs (istiod ready, webhooks, DaemonSets, gateway
addresses, data-plane skew). This file checks which checks a config gets,
with the exact query, expectations and waits of each, and the guards."""

from __future__ import annotations

from conftest import CONFIG_DIR, config_from
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.fleet import load_fleet
from istio_mesh.plan import cluster_plan
from istio_mesh.plan.day_two import (
    SUPPORTED_DATA_PLANE_SKEW, HealthCheck, ResourceQuery, RetirementGuard, health_checks, retirement_guards,
)

CANARY = """
defaultRevision: stable
revisions:
  - {name: stable, version: "1.30.3"}
  - {name: canary, version: "1.29.6"}
revisionTags: {prod: stable}
"""


def _checks(config: MeshConfig) -> dict[str, HealthCheck]:
    return {check.name: check for check in cluster_plan(config).mesh.health_checks}


# -- health_checks -----------------------------------------------------------------


def test_a_minimal_mesh_checks_istiod_its_webhooks_and_the_data_plane_skew() -> None:
    checks = _checks(config_from("{}"))
    assert list(checks) == ["istiod-ready", "sidecar-injector-webhooks", "validation-webhooks", "data-plane-skew"]
    assert checks["istiod-ready"] == HealthCheck(
        name="istiod-ready", kind="istiod-ready",
        query=ResourceQuery("apps/v1", "Deployment", "istio-system", field_selector="metadata.name=istiod"),
        subject="Deployment istio-system/istiod", after=("helm_release.istiod",),
        object_name="istiod", ready_replicas=1,
    )
    assert checks["data-plane-skew"].revision_minors == {"default": 30}
    assert checks["data-plane-skew"].query == ResourceQuery("v1", "Pod", label_selector="istio.io/rev in (default)")


def test_the_default_revisions_webhooks_are_expected_by_their_istio_names() -> None:
    checks = _checks(config_from("{}"))
    assert checks["sidecar-injector-webhooks"].expected_names == ("istio-sidecar-injector",)
    assert checks["sidecar-injector-webhooks"].query.label_selector == (
        "app=sidecar-injector,istio.io/rev in (default)")
    assert checks["validation-webhooks"].expected_names == ("istio-validator-istio-system",
                                                            "istiod-default-validator")


def test_turned_off_health_checks_give_no_checks() -> None:
    assert cluster_plan(config_from("healthChecks: {enabled: false}")).mesh.health_checks == ()


def test_the_istiod_floor_is_its_replica_count_with_or_without_the_autoscaler() -> None:
    scaled = _checks(config_from("istiod: {replicas: 3, autoscaling: {enabled: true, maxReplicas: 5}}"))
    fixed = _checks(config_from("istiod: {replicas: 2, autoscaling: {enabled: false}}"))
    assert scaled["istiod-ready"].ready_replicas == 3
    assert fixed["istiod-ready"].ready_replicas == 2


def test_each_revision_gets_its_ready_check_and_its_webhooks_with_the_tags() -> None:
    checks = _checks(config_from(CANARY))
    assert [name for name in checks if name.endswith("-ready")] == ["istiod-stable-ready", "istiod-canary-ready"]
    injectors = checks["sidecar-injector-webhooks"]
    assert injectors.expected_names == ("istio-revision-tag-default", "istio-revision-tag-prod",
                                        "istio-sidecar-injector-canary", "istio-sidecar-injector-stable")
    assert injectors.after == ("helm_release.istiod-stable", "helm_release.istiod-canary",
                               "kubernetes_manifest.revision_tag_default_webhook",
                               "kubernetes_manifest.revision_tag_prod_webhook")
    assert checks["validation-webhooks"].expected_names == (
        "istio-validator-canary-istio-system", "istio-validator-stable-istio-system", "istiod-default-validator")
    assert checks["data-plane-skew"].revision_minors == {"stable": 30, "canary": 29}


def test_the_cni_and_ztunnel_daemonsets_are_checked_where_their_releases_install_them() -> None:
    checks = _checks(config_from("istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"))
    assert checks["istio-cni-ready"].query == ResourceQuery(
        "apps/v1", "DaemonSet", "kube-system", field_selector="metadata.name=istio-cni-node")
    assert checks["istio-cni-ready"].after == ("helm_release.istio-cni",)
    assert checks["ztunnel-ready"].subject == "DaemonSet istio-system/ztunnel"


def test_an_ambient_mesh_without_proxies_has_no_skew_check() -> None:
    checks = _checks(config_from("istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"))
    assert "data-plane-skew" not in checks


def test_an_ambient_mesh_with_a_chart_gateway_checks_the_skew() -> None:
    checks = _checks(config_from("istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"
                                 "gateways: [{name: in, kind: ingress, service: {type: ClusterIP}}]\n"))
    assert "data-plane-skew" in checks


def test_a_load_balancer_gateway_is_checked_for_an_address_and_a_cluster_ip_one_is_not() -> None:
    checks = _checks(config_from("gateways:\n  - {name: in, kind: ingress}\n"
                                 "  - {name: internal, kind: ingress, service: {type: ClusterIP}}\n"))
    assert checks["gateway-in-address"].query == ResourceQuery(
        "v1", "Service", "istio-ingress", field_selector="metadata.name=in")
    assert checks["gateway-in-address"].after == ("helm_release.in",)
    assert "gateway-internal-address" not in checks


def test_a_remote_cluster_checks_neither_istiod_nor_validation_webhooks() -> None:
    edge = load_fleet(CONFIG_DIR / "fleets" / "primary-remote.yaml")["edge"]
    assert list(_checks(edge)) == ["sidecar-injector-webhooks", "gateway-istio-eastwestgateway-address",
                                   "data-plane-skew"]


def test_webhook_names_carry_a_root_namespace_other_than_istio_system() -> None:
    checks = _checks(config_from("istioNamespace: mesh-system\n"))
    assert checks["sidecar-injector-webhooks"].expected_names == ("istio-sidecar-injector-mesh-system",)
    assert checks["validation-webhooks"].expected_names == ("istio-validator-mesh-system", "istiod-default-validator")


def test_health_checks_wait_for_the_tag_addresses_they_are_given() -> None:
    config = config_from("{}")
    mesh = cluster_plan(config).mesh
    checks = health_checks(config, istiods=mesh.istiods, cni=None, ztunnel=None, gateways=(),
                           tag_addresses=("kubernetes_manifest.tag",))
    assert checks[1].after == ("helm_release.istiod", "kubernetes_manifest.tag")


def test_the_supported_skew_is_one_minor() -> None:
    assert SUPPORTED_DATA_PLANE_SKEW == 1


# -- retirement_guards ----------------------------------------------------------------


def test_no_retired_revisions_give_no_guards() -> None:
    assert retirement_guards(config_from("{}")) == ()


def test_each_retired_revision_gets_a_guard_in_config_order() -> None:
    config = config_from(CANARY + """
retiredRevisions:
  - {name: 1-28-0}
  - name: default
    allowInUse: {reason: "pods drained by the nightly job"}
""")
    guards = retirement_guards(config)
    assert guards == (
        RetirementGuard("1-28-0", "istiod-1-28-0", None),
        RetirementGuard("default", "istiod", "pods drained by the nightly job"),
    )
    assert [g.address_name for g in guards] == ["istiod-1-28-0-retirement-guard", "istiod-retirement-guard"]

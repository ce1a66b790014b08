"""The synthesized stacks: split, order, release settings, credentials."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import (
    FULL_FIXTURES,
    SHIPPED,
    SNAPSHOTTED,
    Synth,
    config_from,
    expected_release_repository,
    expected_release_version,
    helm_releases,
    release_values,
    synthesize,
)
from istio_mesh.config.cluster import MeshConfig
from istio_reference import crds

CONFIGS = SNAPSHOTTED + FULL_FIXTURES


def _depends_on(resource: dict) -> list[str]:
    return sorted(resource.get("depends_on", []))


def test_two_stacks_per_config(synth: Synth) -> None:
    assert synth.stack_names() == sorted(f"{n}-{k}" for n in CONFIGS for k in ("mesh", "policies"))


@pytest.mark.parametrize("name", CONFIGS)
def test_policies_stack_depends_on_mesh_stack(
    synth: Synth, all_configs: dict[str, MeshConfig], name: str
) -> None:
    stacks = synth.manifest()["stacks"]
    assert stacks[f"{name}-policies"]["dependencies"] == [f"{name}-mesh"]
    # A multicluster remote waits for its primary's policies stack.
    multicluster = all_configs[name].multicluster
    primary = multicluster.primary_cluster if multicluster is not None else None
    assert stacks[f"{name}-mesh"]["dependencies"] == ([f"{primary}-policies"] if primary else [])


@pytest.mark.parametrize("name", CONFIGS)
def test_mesh_stack_holds_releases_and_only_built_in_kinds(
    synth: Synth, all_configs: dict[str, MeshConfig], name: str
) -> None:
    stack = synth.stack(f"{name}-mesh")
    manifests = stack["resource"].get("kubernetes_manifest", {})
    # Revision tags are webhooks and Services, and a plug-in CA is the
    # cacerts secret istiod must find at start-up: built-in kinds, plannable
    # on a fresh cluster. Anything from a CRD belongs to the policies stack.
    kinds = {(m["manifest"]["apiVersion"], m["manifest"]["kind"]) for m in manifests.values()}
    assert kinds <= {("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
                     ("v1", "Service")}
    plugin = all_configs[name].ca.mode == "plugin"
    # The upgrade guards are builtin terraform_data resources, whatever the backend.
    expected = {"helm_release", "terraform_data"} | ({"kubernetes_manifest"} if manifests else set())
    expected |= {"kubernetes_secret_v1"} if plugin else set()
    # A multicluster cluster labels its root namespace with its network (a
    # remote also annotates it with its primary); a primary holds the other
    # clusters' remote secrets: built-in kinds too.
    multicluster = all_configs[name].multicluster
    if multicluster is not None:
        expected |= {"kubernetes_labels"}
        expected |= {"kubernetes_annotations"} if multicluster.is_remote else set()
        expected |= {"kubernetes_secret_v1"} if multicluster.remote_secrets else set()
    assert set(stack["resource"]) == expected
    # The health checks read the cluster through the kubernetes provider.
    checks = all_configs[name].health_checks.enabled
    kubernetes = bool(manifests) or plugin or multicluster is not None or checks
    assert set(stack["provider"]) == {"helm"} | ({"kubernetes"} if kubernetes else set())


@pytest.mark.parametrize("name", CONFIGS)
def test_custom_resources_live_only_in_the_policies_stack(synth: Synth, name: str) -> None:
    # kubernetes_manifest reads its CRD at plan time: beside the release that
    # installs the CRDs, the first plan on a fresh cluster would fail.
    stack = synth.stack(f"{name}-policies")
    assert "helm_release" not in stack["resource"]
    assert set(stack["provider"]) == {"kubernetes"}
    assert "kubernetes_manifest" in stack["resource"]


def test_prod_release_order(synth: Synth) -> None:
    releases = helm_releases(synth.stack("prod-mesh"))
    graph = {rid: _depends_on(r) for rid, r in releases.items()}
    assert graph == {
        "istio-base": [],
        "istio-cni": ["helm_release.istio-base"],
        "istiod": ["helm_release.istio-base", "helm_release.istio-cni",
                   "kubernetes_secret_v1.cacerts",
                   "terraform_data.istiod-upgrade-guard"],
        "istio-ingressgateway": ["helm_release.istiod"],
        "istio-egressgateway": ["helm_release.istiod"],
    }


def test_without_cni_istiod_follows_base(synth: Synth) -> None:
    graph = {rid: _depends_on(r) for rid, r in helm_releases(synth.stack("dev-mesh")).items()}
    assert graph == {"istio-base": [],
                     "istiod": ["helm_release.istio-base", "terraform_data.istiod-upgrade-guard"]}


def test_staging_gateway_waits_for_istiod(synth: Synth) -> None:
    releases = helm_releases(synth.stack("staging-mesh"))
    assert _depends_on(releases["istio-ingressgateway"]) == ["helm_release.istiod"]


def test_onboarded_namespace_exists_before_its_policy(synth: Synth) -> None:
    resources = synth.stack("everything-policies")["resource"]
    manifests = resources["kubernetes_manifest"]
    assert _depends_on(manifests["peer_authentication_legacy"]) == ["kubernetes_namespace_v1.legacy"]
    assert _depends_on(manifests["peer_authentication_batch"]) == []
    assert manifests["peer_authentication_legacy"]["manifest"]["spec"] == {"mtls": {"mode": "PERMISSIVE"}}


# Release settings (wait, timeout, cleanup, history) are audited for every
# release in every stack in test_release_audit.py.


@pytest.mark.parametrize("name", CONFIGS)
def test_every_release_installs_its_version_from_the_configured_repository(
    synth: Synth, all_configs: dict[str, MeshConfig], name: str
) -> None:
    config = all_configs[name]
    for rid, release in helm_releases(synth.stack(f"{name}-mesh")).items():
        assert release["version"] == expected_release_version(config, rid), rid
        assert release.get("repository") == expected_release_repository(config, rid), rid


def test_release_addresses_are_stable(synth: Synth) -> None:
    # Terraform addresses are a public contract: renaming one moves state.
    assert sorted(helm_releases(synth.stack("prod-mesh"))) == [
        "istio-base", "istio-cni", "istio-egressgateway", "istio-ingressgateway", "istiod"]
    resources = synth.stack("prod-policies")["resource"]
    assert sorted(resources["kubernetes_namespace_v1"]) == ["payments", "shop"]
    assert sorted(resources["kubernetes_labels"]) == ["legacy-billing"]
    assert sorted(resources["kubernetes_manifest"]) == [
        "authorization_policy_istio-egress_allow-istio-egressgateway",
        "authorization_policy_istio-ingress_allow-istio-ingressgateway",
        "authorization_policy_istio-system_allow-nothing",
        "authorization_policy_legacy-billing_invoices-from-payments",
        "authorization_policy_payments_charges-from-checkout",
        "authorization_policy_shop_storefront-from-ingress",
        "authorization_policy_shop_within-shop",
        "destination_rule_istio-system_istio-egressgateway",
        "gateway_istio-egress_stripe-api",
        "peer_authentication_istio-system",
        "service_entry_istio-system_stripe-api",
        "sidecar_legacy-billing_default",
        "sidecar_payments_default",
        "sidecar_shop_default",
        "telemetry_istio-system_mesh-default",
        "virtual_service_istio-system_stripe-api",
    ]
    assert sorted(synth.stack("prod-mesh")["resource"]["kubernetes_secret_v1"]) == ["cacerts"]


def test_prod_values_run_what_the_config_says(synth: Synth) -> None:
    releases = helm_releases(synth.stack("prod-mesh"))
    istiod = release_values(releases["istiod"])
    assert istiod["autoscaleEnabled"] is True and istiod["autoscaleMin"] == 3
    assert istiod["global"]["defaultPodDisruptionBudget"]["enabled"] is True
    assert istiod["meshConfig"]["outboundTrafficPolicy"] == {"mode": "REGISTRY_ONLY"}
    assert istiod["meshConfig"]["defaultConfig"]["holdApplicationUntilProxyStarts"] is True
    assert istiod["cni"] == {"enabled": True}
    ingress = release_values(releases["istio-ingressgateway"])
    assert ingress["autoscaling"]["minReplicas"] == 2
    assert ingress["podDisruptionBudget"] == {"maxUnavailable": 1}
    assert ingress["resources"] == {"requests": {"cpu": "500m", "memory": "256Mi"}}


def test_namespaces_are_created_or_labelled(synth: Synth) -> None:
    resources = synth.stack("prod-policies")["resource"]
    assert resources["kubernetes_namespace_v1"]["shop"]["metadata"] == {
        "name": "shop", "labels": {"istio-injection": "enabled", "team": "storefront"}}
    labels = resources["kubernetes_labels"]["legacy-billing"]
    assert labels["labels"] == {"istio-injection": "enabled"}
    assert (labels["kind"], labels["api_version"], labels["force"]) == ("Namespace", "v1", True)
    disabled = synth.stack("everything-policies")["resource"]["kubernetes_namespace_v1"]["no-sidecars"]
    assert disabled["metadata"]["labels"] == {"istio-injection": "disabled"}


def test_kubeconfig_connection(synth: Synth) -> None:
    assert synth.stack("prod-mesh")["provider"]["helm"] == [
        {"kubernetes": {"config_path": "~/.kube/config", "config_context": "prod"}}]
    assert synth.stack("prod-policies")["provider"]["kubernetes"] == [
        {"config_path": "~/.kube/config", "config_context": "prod"}]
    # The plug-in CA's secret is written with the same cluster access as Helm.
    assert synth.stack("prod-mesh")["provider"]["kubernetes"] == [
        {"config_path": "~/.kube/config", "config_context": "prod"}]
    assert not any(v.startswith("kube_") for v in synth.stack("prod-mesh").get("variable", {}))


@pytest.mark.parametrize("kind", ["mesh", "policies"])
def test_variables_connection_uses_sensitive_variables(synth: Synth, kind: str) -> None:
    stack = synth.stack(f"everything-{kind}")
    variables = stack["variable"]
    assert sorted(variables) == ["kube_cluster_ca_certificate", "kube_host", "kube_token"]
    assert all(v["sensitive"] is True and v["type"] == "string" for v in variables.values())
    settings = (stack["provider"]["helm"][0]["kubernetes"] if kind == "mesh"
                else stack["provider"]["kubernetes"][0])
    assert settings == {
        "host": "${var.kube_host}",
        "cluster_ca_certificate": "${var.kube_cluster_ca_certificate}",
        "token": "${var.kube_token}",
    }


def test_no_credential_literal_anywhere(synth: Synth) -> None:
    pattern = re.compile(r"-----BEGIN|eyJ[A-Za-z0-9_-]{10,}|\"(token|password|client_key)\":\s*\"[^$]")
    leaks = {name: m.group(0) for name in synth.stack_names()
             if (m := pattern.search(synth.stack_text(name)))}
    assert leaks == {}


def test_state_path_is_relative(synth: Synth) -> None:
    backend = synth.stack("prod-mesh")["terraform"]["backend"]
    assert backend == {"local": {"path": "../../../terraform.prod-mesh.tfstate"}}


def test_destroy_never_deletes_istio_crds(synth: Synth, reference: Path) -> None:
    # The base chart renders its CRDs from files/crd-all.gen.yaml as templates
    # (enableCRDTemplates), each annotated helm.sh/resource-policy: keep, so
    # uninstalling the release (terraform destroy) leaves them. Guard both
    # halves: the file really carries the annotation, and no release of ours
    # turns the templates off, excludes CRDs or narrows their scope.
    docs = list(crds(reference).values())
    assert len(docs) == 15
    assert all(d["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep" for d in docs)
    for name in CONFIGS:
        for rid, release in helm_releases(synth.stack(f"{name}-mesh")).items():
            values = release_values(release)
            assert values.get("base", {}).get("enableCRDTemplates", True) is True, rid
            assert not values.get("base", {}).get("excludedCRDs"), rid
            assert values.get("global", {}).get("resourceScope", "all") == "all", rid
        base = helm_releases(synth.stack(f"{name}-mesh"))["istio-base"]
        assert release_values(base)["base"]["enableCRDTemplates"] is True


def test_synthesis_is_byte_identical(tmp_path: Path, all_configs: dict[str, MeshConfig]) -> None:
    shipped = {name: all_configs[name] for name in SHIPPED}
    first = synthesize(shipped, tmp_path / "a").outdir
    second = synthesize(dict(reversed(list(shipped.items()))), tmp_path / "b").outdir
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    differing = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert differing == []


def test_istiod_refuses_to_skip_an_enabled_cni(all_configs: dict[str, MeshConfig]) -> None:
    from istio_mesh.components import IstioBase, Istiod
    from istio_mesh.plan import mesh_plan
    from istio_mesh.runtime.terraform import App, TerraformStack

    stack = TerraformStack(App(), "library-use")
    plan = mesh_plan(config_from("cni: {enabled: true}"))
    base = IstioBase(stack, "base", release=plan.base)
    with pytest.raises(
        ValueError,
        match=r"^library-use/istiod: release 'istiod' comes after helm_release.istio-cni in the mesh plan; ",
    ):
        Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource])


@pytest.mark.parametrize("name", CONFIGS)
def test_every_stack_holds_exactly_its_plan_in_the_plans_order(
    synth: Synth, all_configs: dict[str, MeshConfig], name: str
) -> None:
    from istio_mesh.plan import cluster_plan

    plan = cluster_plan(all_configs[name])
    for kind, items in (("mesh", plan.mesh.items), ("policies", plan.policies.items)):
        resources = synth.stack(f"{name}-{kind}").get("resource", {})
        for item in items:
            rtype, rname = item.address.split(".", 1)
            depends_on = resources[rtype][rname].get("depends_on", [])
            # The stack adds each istiod's upgrade guard.
            depends_on = [d for d in depends_on if not d.startswith("terraform_data.")]
            assert depends_on == list(item.after), item.address
        planned = {item.address for item in items}
        rendered = {
            f"{rtype}.{rname}" for rtype, named in resources.items() for rname in named
            if rtype != "terraform_data"
        }
        assert rendered == planned

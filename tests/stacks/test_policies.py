"""The security pack in synthesized stacks: the plug-in CA secret and its
ordering, external CA values, and the order policies are applied in."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Synth, config_from, helm_releases, release_values
from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.values import istiod_values as istiod_values_of

CA_KEYS = {
    "ca-cert.pem": "istio_ca_cert",
    "ca-key.pem": "istio_ca_key",
    "root-cert.pem": "istio_root_cert",
    "cert-chain.pem": "istio_cert_chain",
}


def istiod_values(config: MeshConfig) -> dict[str, Any]:
    """Values of the config's only (un-revisioned) istiod."""
    (plane,) = control_planes(config)
    return istiod_values_of(config, plane)


@pytest.mark.parametrize("name", ["prod", "security-pack"])
def test_cacerts_data_are_only_variable_references(synth: Synth, name: str) -> None:
    stack = synth.stack(f"{name}-mesh")
    secret = stack["resource"]["kubernetes_secret_v1"]["cacerts"]
    assert secret["metadata"] == {"name": "cacerts", "namespace": stack_namespace(name)}
    assert secret["data_wo"] == {key: f"${{var.{var}}}" for key, var in CA_KEYS.items()}
    # Write-only: the values reach the cluster but neither the plan nor the state.
    assert "data" not in secret and "binary_data" not in secret
    for var in CA_KEYS.values():
        assert stack["variable"][var] == {
            "type": "string", "sensitive": True, "ephemeral": True, "nullable": False,
            "description": stack["variable"][var]["description"]}
    assert stack["terraform"]["required_version"] == ">= 1.11"


def stack_namespace(name: str) -> str:
    return {"prod": "istio-system", "security-pack": "mesh-root"}[name]


def test_no_pem_or_key_material_in_any_stack(synth: Synth) -> None:
    for name in synth.stack_names():
        text = synth.stack_text(name)
        assert "BEGIN" not in text and "PRIVATE KEY" not in text, name


def test_cacerts_exists_before_istiod_and_after_base(synth: Synth) -> None:
    stack = synth.stack("security-pack-mesh")
    assert stack["resource"]["kubernetes_secret_v1"]["cacerts"]["depends_on"] == ["helm_release.istio-base"]
    assert "kubernetes_secret_v1.cacerts" in helm_releases(stack)["istiod"]["depends_on"]


def test_rotation_revision_comes_from_the_config(synth: Synth) -> None:
    secret = synth.stack("security-pack-mesh")["resource"]["kubernetes_secret_v1"]["cacerts"]
    assert secret["data_wo_revision"] == 3


def test_plugin_ca_uses_the_cluster_access_of_helm(synth: Synth) -> None:
    stack = synth.stack("security-pack-mesh")
    assert stack["provider"]["kubernetes"] == [stack["provider"]["helm"][0]["kubernetes"]]
    assert {"kube_host", "kube_token", "kube_cluster_ca_certificate"} <= set(stack["variable"])


def test_external_ca_values(synth: Synth) -> None:
    values = release_values(helm_releases(synth.stack("external-ca-mesh"))["istiod"])
    assert values["global"]["caAddress"] == "cert-manager-istio-csr.cert-manager.svc:443"
    assert values["env"] == {"ENABLE_CA_SERVER": "false"}
    assert "kubernetes_secret_v1" not in synth.stack("external-ca-mesh")["resource"]


def test_external_ca_keeps_other_env_from_extra_values() -> None:
    values = istiod_values(config_from(
        "ca: {mode: external, address: 'ca.example.com:443'}\n"
        "istiod: {extraValues: {env: {PILOT_ENABLE_STATUS: 'true'}}}"))
    assert values["env"] == {"ENABLE_CA_SERVER": "false", "PILOT_ENABLE_STATUS": "true"}


def test_istiod_ca_needs_no_values() -> None:
    for mode in ("istiod", "plugin"):
        values = istiod_values(config_from(f"ca: {{mode: {mode}}}"))
        assert "env" not in values and "caAddress" not in values["global"]


def test_default_deny_is_applied_after_every_allow_policy(synth: Synth) -> None:
    manifests = synth.stack("security-pack-policies")["resource"]["kubernetes_manifest"]
    allows = sorted(f"kubernetes_manifest.{rid}" for rid, m in manifests.items()
                    if m["manifest"]["kind"] == "AuthorizationPolicy"
                    and rid != "authorization_policy_mesh-root_allow-nothing")
    assert len(allows) == 6
    assert sorted(manifests["authorization_policy_mesh-root_allow-nothing"]["depends_on"]) == allows


def test_objects_in_onboarded_namespaces_wait_for_them(synth: Synth) -> None:
    manifests = synth.stack("security-pack-policies")["resource"]["kubernetes_manifest"]
    assert manifests["sidecar_shop_default"]["depends_on"] == ["kubernetes_namespace_v1.shop"]
    assert manifests["authorization_policy_payments_charges-from-checkout"]["depends_on"] == [
        "kubernetes_namespace_v1.payments"]
    assert manifests["extra_virtual_service_shop_storefront-canary"]["depends_on"] == [
        "kubernetes_namespace_v1.shop"]
    # Namespaces the stack does not onboard (root, gateways') exist already.
    assert "depends_on" not in manifests["service_entry_mesh-root_stripe"]
    assert "depends_on" not in manifests["gateway_istio-egress_stripe"]


def test_extra_resources_are_applied_as_written(synth: Synth, all_configs: dict[str, MeshConfig]) -> None:
    manifests = synth.stack("security-pack-policies")["resource"]["kubernetes_manifest"]
    extras = {rid: m["manifest"] for rid, m in manifests.items() if rid.startswith("extra_")}
    assert sorted(extras) == [
        "extra_destination_rule_shop_storefront",
        "extra_request_authentication_shop_storefront-jwt",
        "extra_telemetry_istio-ingress_ingress-access-logs",
        "extra_virtual_service_shop_storefront-canary",
    ]
    written = all_configs["security-pack"].extra_resources[0]
    assert extras["extra_virtual_service_shop_storefront-canary"] == {
        "apiVersion": "networking.istio.io/v1",
        "kind": "VirtualService",
        "metadata": {"name": "storefront-canary", "namespace": "shop", "labels": {"team": "storefront"}},
        "spec": written.spec,
    }


def test_istiod_refuses_to_skip_a_plugged_in_ca(all_configs: dict[str, MeshConfig]) -> None:
    from istio_mesh.components import IstioBase, IstioCni, Istiod
    from istio_mesh.plan import mesh_plan
    from istio_mesh.runtime.terraform import App, TerraformStack

    stack = TerraformStack(App(), "library-use")
    plan = mesh_plan(all_configs["prod"])
    assert plan.cni is not None
    base = IstioBase(stack, "base", release=plan.base)
    cni = IstioCni(stack, "cni", release=plan.cni, after=[base.resource])
    with pytest.raises(
        ValueError,
        match=r"^library-use/istiod: release 'istiod' comes after kubernetes_secret_v1.cacerts in the mesh plan; "
        r"pass the construct's resource in after=$",
    ):
        Istiod(stack, "istiod", release=plan.istiods["default"], after=[base.resource, cni.resource])

"""WriteOnlySecret and PluginCaCerts (components/secret.py, plugin_ca.py)."""

from __future__ import annotations

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import mesh_plan
from istio_mesh.plan.items import SecretItem, Variable

SECRET = SecretItem(
    name="demo",
    secret_name="demo-secret",
    namespace="istio-system",
    data={"token": "${var.demo_token}"},
    revision=2,
    variables=(Variable("demo_token", "A token."),),
)


def test_the_data_is_write_only_and_comes_from_an_ephemeral_sensitive_variable() -> None:
    from istio_mesh.components import WriteOnlySecret

    stack = fresh_stack()
    WriteOnlySecret(stack, "secret", secret=SECRET)
    out = synth_stack(stack)
    assert out["variable"] == {
        "demo_token": {
            "type": "string", "sensitive": True, "nullable": False,
            "description": "A token.", "ephemeral": True,
        }
    }
    assert out["resource"]["kubernetes_secret_v1"] == {
        "demo": {
            # No empty labels or annotations maps: only what the item has.
            "metadata": {"name": "demo-secret", "namespace": "istio-system"},
            "type": "Opaque",
            "data_wo": {"token": "${var.demo_token}"},
            "data_wo_revision": 2,
        }
    }


def test_a_multicluster_root_variable_checks_the_meshs_fingerprint() -> None:
    from istio_mesh.components import PluginCaCerts

    fingerprint = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    plan = mesh_plan(config_from(
        "ca: {mode: plugin}\nmesh: {meshId: m}\n"
        f"multicluster: {{clusterName: a, network: n, rootCertSha256: {fingerprint}}}"
    ))
    assert plan.ca_secret is not None
    stack = fresh_stack()
    PluginCaCerts(stack, "ca", secret=plan.ca_secret)
    variables = synth_stack(stack)["variable"]
    assert sorted(variables) == ["istio_ca_cert", "istio_ca_key", "istio_cert_chain", "istio_root_cert"]
    assert variables["istio_root_cert"]["validation"] == [{
        "condition": f'${{sha256(trimspace(var.istio_root_cert)) == "{fingerprint}"}}',
        "error_message": (
            f"The root certificate is not the mesh's shared root (multicluster.rootCertSha256 is "
            f"{fingerprint}); every cluster of the mesh must trust the same root CA."
        ),
    }]
    assert "validation" not in variables["istio_ca_key"]

"""PluginCaCerts (components/plugin_ca.py): Istio's ``cacerts`` secret, written
only from ephemeral sensitive variables, after base. This file checks the
secret, its variables and its wait on base, and that a higher ``ca.revision``
is what rewrites the data. (The fingerprint validation is in test_secret.py.)"""

from __future__ import annotations

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import mesh_plan


def test_cacerts_is_written_from_four_ephemeral_variables_after_base() -> None:
    from istio_mesh.components import IstioBase, PluginCaCerts

    plan = mesh_plan(config_from("ca: {mode: plugin}"))
    assert plan.ca_secret is not None
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    PluginCaCerts(stack, "plugin-ca", secret=plan.ca_secret, after=[base.resource])
    out = synth_stack(stack)
    assert out["resource"]["kubernetes_secret_v1"] == {
        "cacerts": {
            "metadata": {"name": "cacerts", "namespace": "istio-system"},
            "type": "Opaque",
            "data_wo": {
                "ca-cert.pem": "${var.istio_ca_cert}",
                "ca-key.pem": "${var.istio_ca_key}",
                "root-cert.pem": "${var.istio_root_cert}",
                "cert-chain.pem": "${var.istio_cert_chain}",
            },
            "data_wo_revision": 1,
            "depends_on": ["helm_release.istio-base"],
        }
    }
    assert sorted(out["variable"]) == ["istio_ca_cert", "istio_ca_key", "istio_cert_chain", "istio_root_cert"]
    assert out["variable"]["istio_ca_key"] == {
        "type": "string", "sensitive": True, "nullable": False, "ephemeral": True,
        "description": "PEM private key of that intermediate CA.",
    }


def test_a_higher_ca_revision_is_the_write_only_revision() -> None:
    from istio_mesh.components import PluginCaCerts

    plan = mesh_plan(config_from("ca: {mode: plugin, revision: 3}"))
    assert plan.ca_secret is not None
    stack = fresh_stack()
    PluginCaCerts(stack, "plugin-ca", secret=plan.ca_secret)
    assert synth_stack(stack)["resource"]["kubernetes_secret_v1"]["cacerts"]["data_wo_revision"] == 3


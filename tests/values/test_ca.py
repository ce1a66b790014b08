"""``values.ca`` gives the istiod chart the values an external certificate
authority needs (CA server off, every proxy pointed at the CA) and nothing
for istiod's own or a plug-in CA. This file checks each mode's exact values."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.values.ca import ca_values


def test_istiods_own_ca_needs_no_values() -> None:
    assert ca_values(config_from("{}")) == {}


def test_a_plugin_ca_needs_no_values_since_istiod_mounts_cacerts_anyway() -> None:
    assert ca_values(config_from("ca: {mode: plugin, revision: 3}")) == {}


def test_an_external_ca_turns_istiods_ca_server_off_and_points_proxies_at_it() -> None:
    config = config_from("ca: {mode: external, address: 'cert-manager-istio-csr.cert-manager.svc:443'}")
    assert ca_values(config) == {
        "global": {"caAddress": "cert-manager-istio-csr.cert-manager.svc:443"},
        "env": {"ENABLE_CA_SERVER": "false"},
    }

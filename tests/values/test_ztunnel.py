"""``values.ztunnel`` builds the ambient node proxy chart's values: images at
the top level (not under ``global``), the revision of the istiod it follows,
an external CA's address, multicluster identity and placement, with
``extraValues`` merged last. This file checks the exact values."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.config.control_planes import control_planes
from istio_mesh.values.ztunnel import ztunnel_values

AMBIENT = "istio: {profile: ambient}\ncni: {enabled: true}\n"


def test_an_unrevisioned_ambient_mesh_gets_the_profile_namespace_and_hub() -> None:
    config = config_from(AMBIENT + "ztunnel: {enabled: true}\n")
    assert ztunnel_values(config, control_planes(config)[0]) == {
        "profile": "ambient",
        "istioNamespace": "istio-system",
        "revision": "",
        "hub": "docker.io/istio",
    }


def test_ztunnel_follows_the_revision_of_the_plane_it_is_given() -> None:
    config = config_from(AMBIENT + "ztunnel: {enabled: true}\n"
                         "revisions: [{name: canary}]\ndefaultRevision: canary\n")
    assert ztunnel_values(config, control_planes(config)[0])["revision"] == "canary"


def test_everything_configured_is_written_at_the_top_level() -> None:
    config = config_from("""
istioNamespace: mesh-root
istio: {profile: ambient, hub: reg.example.com/istio, tag: 1.30.3-distroless, imagePullSecrets: [pull], platform: gke}
ca: {mode: external, address: 'istio-csr.cert-manager.svc:443'}
mesh: {meshId: mesh1}
multicluster: {clusterName: east, network: net-east}
ztunnel:
  enabled: true
  resources: {requests: {cpu: 200m}}
  placement:
    nodeSelector: {pool: mesh}
    tolerations: []
    rollout: {maxSurge: 0, maxUnavailable: 2}
cni: {enabled: true}
""")
    assert ztunnel_values(config, control_planes(config)[0]) == {
        "platform": "gke",
        "profile": "ambient",
        "istioNamespace": "mesh-root",
        "revision": "",
        "hub": "reg.example.com/istio",
        "tag": "1.30.3-distroless",
        "imagePullSecrets": ["pull"],
        "caAddress": "istio-csr.cert-manager.svc:443",
        "resources": {"requests": {"cpu": "200m"}},
        "network": "net-east",
        "multiCluster": {"clusterName": "east"},
        "nodeSelector": {"pool": "mesh"},
        "tolerations": [],
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 2}},
    }


def test_a_plugin_ca_gives_ztunnel_no_ca_address() -> None:
    config = config_from(AMBIENT + "ztunnel: {enabled: true}\nca: {mode: plugin}\n")
    assert "caAddress" not in ztunnel_values(config, control_planes(config)[0])


def test_extra_values_win_over_the_generated_ones() -> None:
    config = config_from(AMBIENT + "ztunnel:\n  enabled: true\n  placement: {nodeSelector: {pool: mesh}}\n"
                         "  extraValues: {hub: mirror.example.com/istio, nodeSelector: {zone: a}, logLevel: debug}\n")
    assert ztunnel_values(config, control_planes(config)[0]) == {
        "profile": "ambient",
        "istioNamespace": "istio-system",
        "revision": "",
        "hub": "mirror.example.com/istio",
        "nodeSelector": {"pool": "mesh", "zone": "a"},
        "logLevel": "debug",
    }

"""Multicluster settings in one cluster's config, their chart values, and
fleet files with their cross-cluster rules. Pure Python: no synthesis."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import CONFIG_DIR, config_from
from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.fleet import load_fleet
from istio_mesh.config.loader import load_configs, parse_config
from istio_mesh.manifests.multicluster import multicluster_manifests
from istio_mesh.values import base_values, gateway_values, istiod_values, ztunnel_values

ROOT = "3e982ecfb002b35af3a949545e9e8459e783bef142a7a289fa303345753ddb02"
OTHER_ROOT = "0" * 64

PRIMARY = f"""
mesh: {{meshId: mesh1}}
ca: {{mode: plugin}}
multicluster:
  clusterName: east
  network: net-east
  remoteSecrets: [west]
  externalIstiod: true
  rootCertSha256: {ROOT}
gateways: [{{name: istio-eastwestgateway, kind: eastwest}}]
"""

REMOTE = """
mesh: {meshId: mesh1}
multicluster:
  clusterName: edge
  network: net-edge
  role: remote
  primaryCluster: east
  primaryAddress: 203.0.113.10
"""


def test_primary_istiod_names_cluster_network_and_mesh() -> None:
    config = config_from(PRIMARY)
    values = istiod_values(config, control_planes(config)[0])
    assert values["global"]["meshID"] == "mesh1"
    assert values["global"]["multiCluster"] == {"clusterName": "east"}
    assert values["global"]["network"] == "net-east"
    assert values["global"]["externalIstiod"] is True
    assert "profile" not in values and "istiodRemote" not in values


def test_primary_without_remotes_is_not_an_external_istiod() -> None:
    config = config_from(PRIMARY.replace("externalIstiod: true", "externalIstiod: false"))
    assert "externalIstiod" not in istiod_values(config, control_planes(config)[0])["global"]


def test_remote_uses_the_remote_profile_pointing_at_its_primary() -> None:
    config = config_from(REMOTE)
    values = istiod_values(config, control_planes(config)[0])
    assert values["profile"] == "remote"
    assert values["global"]["remotePilotAddress"] == "203.0.113.10"
    assert values["istiodRemote"] == {"injectionPath": "/inject/cluster/edge/net/net-edge"}
    assert base_values(config)["profile"] == "remote"


def test_single_cluster_values_are_unchanged() -> None:
    config = config_from("istiod: {replicas: 1}")
    values = istiod_values(config, control_planes(config)[0])
    assert "multiCluster" not in values["global"] and "network" not in values["global"]
    assert "profile" not in base_values(config)


def test_ztunnel_names_cluster_and_network_at_its_top_level() -> None:
    config = config_from(
        "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"
        "mesh: {meshId: mesh1}\nmulticluster: {clusterName: east, network: net-east}\n"
    )
    values = ztunnel_values(config, control_planes(config)[0])
    assert values["network"] == "net-east"
    assert values["multiCluster"] == {"clusterName": "east"}


def test_eastwest_gateway_is_the_charts_network_gateway() -> None:
    config = config_from(PRIMARY)
    values = gateway_values(config, config.gateways[0])
    assert values["networkGateway"] == "net-east"
    # The chart takes the cross-network ports from networkGatewayPorts.
    assert values["service"]["ports"] == []
    assert values["service"]["type"] == "LoadBalancer"
    assert config.gateways[0].resolved_namespace == "istio-eastwest"


def test_cross_network_gateway_and_istiod_exposure() -> None:
    manifests = multicluster_manifests(config_from(PRIMARY))
    by_name = {m["metadata"]["name"]: m for m in manifests}
    assert sorted(by_name) == ["cross-network-gateway", "istiod-gateway", "istiod-vs"]
    cross = by_name["cross-network-gateway"]["spec"]
    assert cross["selector"] == {"istio": "eastwestgateway"}
    assert cross["servers"] == [
        {
            "port": {"number": 15443, "name": "tls", "protocol": "TLS"},
            "tls": {"mode": "AUTO_PASSTHROUGH"},
            "hosts": ["*.local"],
        }
    ]
    routes = by_name["istiod-vs"]["spec"]["tls"]
    assert [(r["match"][0]["port"], r["route"][0]["destination"]["port"]["number"]) for r in routes] == [
        (15012, 15012),
        (15017, 443),
    ]
    assert routes[0]["route"][0]["destination"]["host"] == "istiod.istio-system.svc.cluster.local"


def test_remote_exposes_only_its_own_network() -> None:
    config = config_from(REMOTE + "gateways: [{name: istio-eastwestgateway, kind: eastwest}]\n")
    assert [m["metadata"]["name"] for m in multicluster_manifests(config)] == ["cross-network-gateway"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "gateways: [{name: ew, kind: eastwest}]",
            "test.yaml: gateways[0].kind: an east-west gateway joins networks of a multicluster "
            "mesh; set multicluster (clusterName, network) first",
            id="eastwest-without-multicluster",
        ),
        pytest.param(
            "multicluster: {clusterName: east, network: n1}",
            "test.yaml: mesh.meshId: is required with multicluster: every cluster of the mesh "
            "must set the same one",
            id="no-mesh-id",
        ),
        pytest.param(
            REMOTE.replace("  primaryAddress: 203.0.113.10\n", ""),
            "test.yaml: multicluster.primaryAddress: is required with role: remote",
            id="remote-without-address",
        ),
        pytest.param(
            REMOTE + "ca: {mode: plugin}\n",
            "test.yaml: ca.mode: 'plugin' configures istiod's CA; a remote runs no istiod and "
            "gets certificates from its primary: leave ca unset",
            id="remote-with-plugin-ca",
        ),
        pytest.param(
            REMOTE.replace("primaryCluster: east", "primaryCluster: edge"),
            "test.yaml: multicluster.primaryCluster: names this cluster; a remote needs another "
            "cluster's istiod",
            id="remote-is-its-own-primary",
        ),
        pytest.param(
            PRIMARY.replace("gateways: [{name: istio-eastwestgateway, kind: eastwest}]", ""),
            "test.yaml: multicluster.externalIstiod: remote clusters reach istiod through an "
            "east-west gateway; add a gateway with kind: eastwest",
            id="external-istiod-without-gateway",
        ),
        pytest.param(
            PRIMARY.replace("kind: eastwest}", "kind: eastwest, service: {ports: [{name: tls, port: 443}]}}"),
            "test.yaml: gateways[0].service.ports: an east-west gateway's ports are the "
            "cross-network ones the chart sets (15021, 15443, 15012, 15017); remove ports",
            id="eastwest-ports",
        ),
        pytest.param(
            PRIMARY.replace("ca: {mode: plugin}", ""),
            "test.yaml: multicluster.rootCertSha256: checks the plug-in CA's root; it needs "
            "ca.mode: plugin (mode is istiod)",
            id="fingerprint-without-plugin",
        ),
        pytest.param(
            PRIMARY.replace("remoteSecrets: [west]", "remoteSecrets: [east]"),
            "test.yaml: multicluster.remoteSecrets: 'east' is this cluster; istiod reads its "
            "own API server directly",
            id="secret-for-itself",
        ),
        pytest.param(
            PRIMARY.replace(ROOT, "ABC"),
            "test.yaml: multicluster.rootCertSha256: got 'ABC'; must be 64 lowercase hex "
            'digits: printf %s "$(cat root-cert.pem)" | sha256sum',
            id="fingerprint-format",
        ),
        pytest.param(
            REMOTE.replace("203.0.113.10", "https://x.example.com"),
            "test.yaml: multicluster.primaryAddress: got 'https://x.example.com'; must be a host "
            "name or IP address (no scheme, no port), e.g. 'eastwest.primary.example.com' or "
            "'203.0.113.10'",
            id="address-with-scheme",
        ),
    ],
)
def test_single_cluster_refusals(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "test.yaml")
    assert str(caught.value) == message


# --- fleet files -------------------------------------------------------------

FLEET = f"""
meshes:
  mesh1:
    shared:
      ca: {{mode: plugin}}
      multicluster: {{rootCertSha256: {ROOT}}}
      gateways: [{{name: istio-eastwestgateway, kind: eastwest}}]
    clusters:
      east:
        multicluster: {{network: net-east}}
      west:
        multicluster: {{network: net-west}}
"""


def write_fleet(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fleets" / "fleet.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def fleet_error(tmp_path: Path, text: str) -> str:
    path = write_fleet(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_fleet(path)
    return str(caught.value).replace(str(path), "fleet.yaml")


def test_fleet_members_get_names_mesh_id_and_remote_secrets(tmp_path: Path) -> None:
    configs = load_fleet(write_fleet(tmp_path, FLEET))
    assert sorted(configs) == ["east", "west"]
    east = configs["east"]
    assert east.mesh.mesh_id == "mesh1"
    assert east.multicluster is not None and east.multicluster.cluster_name == "east"
    assert east.multicluster.remote_secrets == ("west",)
    assert east.multicluster.external_istiod is False
    assert configs["west"].multicluster is not None
    assert configs["west"].multicluster.remote_secrets == ("east",)


def test_cluster_overrides_merge_over_shared_settings(tmp_path: Path) -> None:
    text = FLEET.replace(
        "multicluster: {network: net-west}", "multicluster: {network: net-west}\n        istiod: {replicas: 3}"
    )
    configs = load_fleet(write_fleet(tmp_path, text))
    assert configs["west"].istiod.replicas == 3
    assert configs["east"].istiod.replicas == 1
    # The shared multicluster keys survive the cluster's own multicluster map.
    assert configs["west"].multicluster is not None
    assert configs["west"].multicluster.root_cert_sha256 == ROOT


def test_shipped_primary_remote_fleet() -> None:
    configs = load_fleet(CONFIG_DIR / "fleets" / "primary-remote.yaml")
    central, edge = configs["central"].multicluster, configs["edge"].multicluster
    assert central is not None and edge is not None
    assert central.external_istiod is True and central.remote_secrets == ("edge",)
    assert edge.role == "remote" and edge.remote_secrets == ()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "multicluster: {network: net-west}",
            "multicluster: {network: net-west}\n        mesh: {meshId: mesh9}",
            "fleet.yaml: meshes.mesh1.clusters.west.mesh.meshId: 'mesh9' differs from cluster "
            "'east' ('mesh1'); every cluster of a mesh needs the same mesh ID",
            id="mesh-id",
        ),
        pytest.param(
            "multicluster: {network: net-west}",
            f"multicluster: {{network: net-west, rootCertSha256: '{OTHER_ROOT}'}}",
            "fleet.yaml: meshes.mesh1.clusters.west.multicluster.rootCertSha256: differs from "
            "cluster 'east'; every cluster of a mesh must trust the same root CA",
            id="root-ca",
        ),
        pytest.param(
            "multicluster: {network: net-west}",
            "multicluster: {network: net-west, rootCertSha256: null}\n        ca: {mode: istiod}",
            "fleet.yaml: meshes.mesh1.clusters.west.ca.mode: 'istiod' gives cluster 'west' a "
            "root CA that cluster 'east' does not trust; every primary of a multicluster mesh "
            "needs ca.mode: plugin with the shared root",
            id="self-signed-root",
        ),
        pytest.param(
            f"multicluster: {{rootCertSha256: {ROOT}}}",
            "multicluster: {}",
            "fleet.yaml: meshes.mesh1.clusters.east.multicluster.rootCertSha256: is required, so "
            "that cluster 'east' is checked to trust the same root CA as cluster 'west'; set it "
            "once in the mesh's shared settings\n"
            "fleet.yaml: meshes.mesh1.clusters.west.multicluster.rootCertSha256: is required, so "
            "that cluster 'west' is checked to trust the same root CA as cluster 'east'; set it "
            "once in the mesh's shared settings",
            id="no-root-fingerprint",
        ),
        pytest.param(
            "multicluster: {network: net-west}",
            "multicluster: {network: net-west}\n        gateways: []",
            "fleet.yaml: meshes.mesh1.clusters.west.multicluster.network: network 'net-west' of "
            "cluster 'west' has no east-west gateway, so cluster 'east' (network 'net-east') "
            "cannot reach it; add a gateway with kind: eastwest to a cluster on 'net-west'",
            id="network-without-gateway",
        ),
        pytest.param(
            "multicluster: {network: net-west}",
            "multicluster: {network: net-west, role: remote, primaryCluster: north, "
            "primaryAddress: 203.0.113.10, rootCertSha256: null}\n        ca: {mode: istiod}",
            "fleet.yaml: meshes.mesh1.clusters.west.multicluster.primaryCluster: 'north' is not "
            "a cluster of mesh 'mesh1'; remote cluster 'west' needs one of its primaries (east)",
            id="remote-to-unknown-primary",
        ),
        pytest.param(
            "multicluster: {network: net-west}",
            "multicluster: {network: net-west, remoteSecrets: [east]}",
            "fleet.yaml: meshes.mesh1.clusters.west.multicluster.remoteSecrets: set by the fleet "
            "from its clusters; remove it",
            id="derived-field",
        ),
    ],
)
def test_cross_cluster_refusals(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in FLEET
    assert fleet_error(tmp_path, FLEET.replace(old, new, 1)) == message


def test_remote_pointing_at_a_remote_is_refused(tmp_path: Path) -> None:
    text = FLEET + textwrap.indent(
        textwrap.dedent(
            """\
            north:
              ca: {mode: istiod}
              multicluster: {network: net-east, role: remote, primaryCluster: south,
                             primaryAddress: 203.0.113.10, rootCertSha256: null}
            south:
              ca: {mode: istiod}
              multicluster: {network: net-east, role: remote, primaryCluster: east,
                             primaryAddress: 203.0.113.10, rootCertSha256: null}
            """
        ),
        "      ",
    )
    assert fleet_error(tmp_path, text) == (
        "fleet.yaml: meshes.mesh1.clusters.north.multicluster.primaryCluster: cluster 'south' "
        "is a remote too; remote cluster 'north' needs a primary (east, west)"
    )


def test_cluster_names_are_unique_across_meshes(tmp_path: Path) -> None:
    text = FLEET + textwrap.indent(
        "mesh2:\n  clusters:\n    west: {multicluster: {network: n}}\n", "  "
    )
    assert fleet_error(tmp_path, text) == (
        "fleet.yaml: meshes.mesh2.clusters.west: cluster 'west' is already a member of mesh "
        "'mesh1'; cluster names must be unique in a fleet"
    )


def test_member_errors_name_the_cluster(tmp_path: Path) -> None:
    text = FLEET.replace("multicluster: {network: net-west}", "istiod: {replicas: 0}")
    assert fleet_error(tmp_path, text) == (
        "fleet.yaml: meshes.mesh1.clusters.west.istiod.replicas: got 0; allowed: 1 to 20\n"
        "fleet.yaml: meshes.mesh1.clusters.west.multicluster.network: required key is missing"
    )


def test_fleet_needs_meshes(tmp_path: Path) -> None:
    assert fleet_error(tmp_path, "clusters: {}\n") == (
        "fleet.yaml: meshes: required key is missing\n"
        "fleet.yaml: clusters: unknown key; allowed keys: meshes"
    )


def test_a_fleet_cluster_and_a_cluster_file_cannot_share_a_name(tmp_path: Path) -> None:
    fleet = write_fleet(tmp_path, FLEET)
    single = tmp_path / "east.yaml"
    single.write_text("istiod: {replicas: 1}\n")
    with pytest.raises(ConfigError) as caught:
        load_configs([single, fleet])
    assert str(caught.value) == (
        f"{fleet}: cluster 'east' is also defined by {single}; stack names would collide"
    )


def test_fleet_selection_loads_every_cluster(tmp_path: Path) -> None:
    configs = load_configs([write_fleet(tmp_path, FLEET)])
    assert sorted(configs) == ["east", "west"]


def test_the_linter_checks_each_cluster_of_a_fleet() -> None:
    from istio_mesh.lint.engine import lint_paths

    path = CONFIG_DIR / "fleets" / "primary-remote.yaml"
    report = lint_paths([path])
    assert sorted(report.findings) == [f"{path} [central]", f"{path} [edge]"]
    assert report.exit_code(strict=True) == 0


@pytest.mark.parametrize(
    ("own", "message"),
    [
        pytest.param(
            "multicluster:",
            "fleet.yaml: meshes.mesh1.clusters.west.multicluster.network: required key is missing",
            id="empty-section",
        ),
        pytest.param(
            "multicluster: {network: net-west}\n        mesh: 5",
            "fleet.yaml: meshes.mesh1.clusters.west.mesh: got 5 (integer); must be a valid "
            "dictionary or instance of MeshSettings",
            id="mesh-not-a-mapping",
        ),
    ],
)
def test_malformed_cluster_sections_are_reported_not_raised(
    tmp_path: Path, own: str, message: str
) -> None:
    text = FLEET.replace("multicluster: {network: net-west}", own)
    assert fleet_error(tmp_path, text) == message

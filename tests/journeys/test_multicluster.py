"""The example fleets, synthesized: identity, ordering, remote secrets and
the root CA check, as Terraform receives them."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import Synth, helm_releases, release_values
from terraform_harness import require_terraform

ROOT_FINGERPRINT = "3e982ecfb002b35af3a949545e9e8459e783bef142a7a289fa303345753ddb02"


def test_every_member_of_a_mesh_shares_the_mesh_id_with_its_own_name_and_network(synth: Synth) -> None:
    seen = {}
    for cluster in ("east", "west", "central", "edge"):
        istiod = release_values(helm_releases(synth.stack(f"{cluster}-mesh"))["istiod"])
        seen[cluster] = (
            istiod["global"]["meshID"],
            istiod["global"]["multiCluster"]["clusterName"],
            istiod["global"]["network"],
        )
    assert seen == {
        "east": ("mesh1", "east", "net-east"),
        "west": ("mesh1", "west", "net-west"),
        "central": ("mesh2", "central", "net-central"),
        "edge": ("mesh2", "edge", "net-edge"),
    }


def test_network_label_is_set_before_istiod_starts(synth: Synth) -> None:
    stack = synth.stack("east-mesh")
    label = stack["resource"]["kubernetes_labels"]["root_namespace_network"]
    assert label["labels"] == {"topology.istio.io/network": "net-east"}
    assert label["metadata"] == {"name": "istio-system"}
    assert label["depends_on"] == ["helm_release.istio-base"]
    assert "kubernetes_labels.root_namespace_network" in helm_releases(stack)["istiod"]["depends_on"]


def test_remote_names_its_primary_on_the_root_namespace(synth: Synth) -> None:
    stack = synth.stack("edge-mesh")
    annotation = stack["resource"]["kubernetes_annotations"]["root_namespace_control_plane"]
    assert annotation["annotations"] == {"topology.istio.io/controlPlaneClusters": "central"}
    assert "kubernetes_secret_v1" not in stack["resource"]
    assert "variable" not in stack or not any(v.startswith("remote_") for v in stack["variable"])


def test_eastwest_gateway_release(synth: Synth) -> None:
    release = helm_releases(synth.stack("west-mesh"))["istio-eastwestgateway"]
    assert release["namespace"] == "istio-eastwest"
    assert release_values(release)["networkGateway"] == "net-west"


def _remote_secret(stack: dict[str, Any], cluster: str) -> dict[str, Any]:
    secret: dict[str, Any] = stack["resource"]["kubernetes_secret_v1"][f"istio_remote_secret_{cluster}"]
    return secret


def test_each_primary_holds_a_remote_secret_for_the_other_clusters(synth: Synth) -> None:
    for primary, other in (("east", "west"), ("west", "east"), ("central", "edge")):
        stack = synth.stack(f"{primary}-mesh")
        secret = _remote_secret(stack, other)
        assert secret["metadata"] == {
            "name": f"istio-remote-secret-{other}",
            "namespace": "istio-system",
            "labels": {"istio/multiCluster": "true"},
            "annotations": {"networking.istio.io/cluster": other},
        }
        assert list(secret["data_wo"]) == [other]
        for suffix in ("api_server", "ca_certificate", "token"):
            variable = stack["variable"][f"remote_{other}_{suffix}"]
            assert (variable["sensitive"], variable["ephemeral"], variable["nullable"]) == (True, True, False)
            assert f"var.remote_{other}_{suffix}" in secret["data_wo"][other]
        assert stack["terraform"]["required_version"] == ">= 1.11"


def test_primary_serving_remotes_exposes_istiod(synth: Synth) -> None:
    manifests = synth.stack("central-policies")["resource"]["kubernetes_manifest"]
    assert {"gateway_istio-system_cross-network-gateway", "gateway_istio-system_istiod-gateway",
            "virtual_service_istio-system_istiod-vs"} <= set(manifests)
    east = synth.stack("east-policies")["resource"]["kubernetes_manifest"]
    assert "gateway_istio-system_cross-network-gateway" in east
    assert "gateway_istio-system_istiod-gateway" not in east


def _terraform(workdir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_terraform(), *args, "-input=false", "-no-color"],
        cwd=workdir, env={"PATH": os.environ.get("PATH", ""), "CHECKPOINT_DISABLE": "1", **env},
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture
def root_cert_variable(synth: Synth, tmp_path: Path) -> Path:
    """The synthesized istio_root_cert variable alone: Terraform checks variable
    validation without any provider, so this runs offline."""
    variable = dict(synth.stack("east-mesh")["variable"]["istio_root_cert"])
    variable.pop("//", None)
    (tmp_path / "main.tf.json").write_text(json.dumps({"variable": {"istio_root_cert": variable}}))
    return tmp_path


def test_terraform_refuses_a_root_certificate_of_another_ca(root_cert_variable: Path) -> None:
    # The fingerprint is sha256(trimspace(pem)); a value that hashes to it is
    # a stand-in for the real PEM, which Terraform never parses.
    other = _terraform(root_cert_variable, {"TF_VAR_istio_root_cert": "not the shared root"}, "plan")
    assert other.returncode == 1
    assert "The root certificate is not the mesh's shared root" in other.stderr.replace("\n", " ")


def test_terraform_accepts_the_shared_root(root_cert_variable: Path, tmp_path: Path) -> None:
    variable = json.loads((root_cert_variable / "main.tf.json").read_text())
    condition = variable["variable"]["istio_root_cert"]["validation"][0]["condition"]
    assert ROOT_FINGERPRINT in condition
    # Point the check at a known value's fingerprint to see it pass as well.
    import hashlib

    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    fingerprint = hashlib.sha256(pem.encode()).hexdigest()
    text = (root_cert_variable / "main.tf.json").read_text().replace(ROOT_FINGERPRINT, fingerprint)
    (root_cert_variable / "main.tf.json").write_text(text)
    ok = _terraform(root_cert_variable, {"TF_VAR_istio_root_cert": pem + "\n"}, "plan")
    assert ok.returncode == 0, ok.stderr


def test_ambient_primary_tells_ztunnel_its_cluster_and_network(synth: Synth) -> None:
    ztunnel = release_values(helm_releases(synth.stack("ambient-multicluster-mesh"))["ztunnel"])
    assert ztunnel["network"] == "net-ambient-east"
    assert ztunnel["multiCluster"] == {"clusterName": "ambient-east"}


def test_a_remote_is_deployed_after_its_primary(synth: Synth) -> None:
    stacks = synth.manifest()["stacks"]
    assert stacks["edge-mesh"]["dependencies"] == ["central-policies"]
    assert stacks["central-mesh"]["dependencies"] == []
    assert stacks["west-mesh"]["dependencies"] == []

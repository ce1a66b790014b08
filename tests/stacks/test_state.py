"""State backends and remote-run credentials: config rules, exact errors, synthesized blocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from conftest import Synth, config_from, synthesize, error_for
from istio_mesh.config.backend import (
    CloudBackend,
    state_location,
    workspace_name,
    workspace_tags,
)
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import load_configs, parse_config
from istio_mesh.config.cluster import MeshConfig

VARIABLES = "connection: {mode: variables}\n"
CREDENTIAL = re.compile(
    r"-----BEGIN|eyJ[A-Za-z0-9_-]{10,}|\"(token|password|client_key|access_key|secret_key"
    r"|sas_token|client_secret|credentials|access_token)\":\s*\"[^$]"
)



def cloud(text: str) -> CloudBackend:
    backend = config_from(text).backend
    assert isinstance(backend, CloudBackend)
    return backend


# -- config: defaults and naming ---------------------------------------------


def test_backend_defaults_to_local_state() -> None:
    assert config_from("{}").backend.type == "local"


def test_cloud_defaults() -> None:
    backend = cloud("backend: {type: cloud, organization: acme}\n" + VARIABLES)
    assert backend.hostname == "app.terraform.io"
    assert backend.execution_mode == "remote"
    assert workspace_name(backend, "mesh", "prod-mesh") == "prod-mesh"
    assert workspace_name(backend, "policies", "prod-policies") == "prod-policies"


def test_cloud_workspace_set_per_stack() -> None:
    backend = cloud(
        "backend: {type: cloud, organization: acme, workspaces: {mesh: istio-prod}}\n" + VARIABLES
    )
    assert workspace_name(backend, "mesh", "prod-mesh") == "istio-prod"
    assert workspace_name(backend, "policies", "prod-policies") == "prod-policies"


def test_cloud_workspaces_by_tags_add_the_stack_name() -> None:
    backend = cloud(
        "backend: {type: cloud, organization: acme, workspaces: {tags: [istio, prod-mesh]}}\n"
        + VARIABLES
    )
    assert workspace_name(backend, "mesh", "prod-mesh") is None
    assert workspace_tags(backend, "prod-mesh") == ("istio", "prod-mesh")
    assert workspace_tags(backend, "prod-policies") == ("istio", "prod-mesh", "prod-policies")


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("{}", "local file terraform.prod-mesh.tfstate"),
        ("backend: {type: cloud, organization: acme}\n" + VARIABLES,
         "HCP Terraform workspace app.terraform.io/acme/prod-mesh"),
        ("backend: {type: s3, bucket: acme-state, region: eu-west-1}",
         "s3://acme-state/istio-mesh/prod-mesh.tfstate"),
        ("backend: {type: gcs, bucket: acme-state, prefix: clusters/istio}",
         "gs://acme-state/clusters/istio/prod-mesh"),
        ("backend: {type: azurerm, storageAccountName: acmestate, containerName: tfstate}",
         "azurerm acmestate/tfstate/istio-mesh/prod-mesh.tfstate"),
    ],
    ids=["local", "cloud", "s3", "gcs", "azurerm"],
)
def test_state_location(text: str, location: str) -> None:
    assert state_location(config_from(text).backend, "mesh", "prod-mesh") == location


@pytest.mark.parametrize(
    "text",
    [
        "backend: {type: cloud, organization: acme, executionMode: local}\n",
        "backend: {type: cloud, organization: acme, executionMode: local}\n"
        "connection: {mode: exec, command: aws}\n",
        "backend: {type: s3, bucket: acme-state, region: eu-west-1}\n",
        "connection: {mode: exec, command: aws, args: [eks, get-token], env: {AWS_PROFILE: prod}}\n",
    ],
    ids=["cloud-local-runs-kubeconfig", "cloud-local-runs-exec", "s3-kubeconfig", "local-exec"],
)
def test_local_runs_may_use_kubeconfig_or_exec(text: str) -> None:
    assert isinstance(config_from(text), MeshConfig)


# -- config: exact error messages -------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "backend: {type: cloud, organization: acme}\n",
            "config/prod.yaml: connection.mode: 'kubeconfig' cannot be used with backend.type "
            "'cloud': HCP Terraform's remote runs have no kubeconfig file "
            "(hashicorp/terraform-provider-helm#856); use mode: variables and set kube_host, "
            "kube_cluster_ca_certificate and kube_token as sensitive workspace variables, or "
            "set backend.executionMode: local",
            id="cloud-with-kubeconfig",
        ),
        pytest.param(
            "backend: {type: cloud, organization: acme}\n"
            "connection: {mode: exec, command: aws, args: [eks, get-token]}\n",
            "config/prod.yaml: connection.mode: 'exec' cannot be used with backend.type 'cloud': "
            "HCP Terraform's remote runs cannot run 'aws' "
            "(hashicorp/terraform-provider-kubernetes#2011); use mode: variables and set "
            "kube_host, kube_cluster_ca_certificate and kube_token as sensitive workspace "
            "variables, or set backend.executionMode: local",
            id="cloud-with-exec",
        ),
        pytest.param(
            "backend: {organization: acme}\n",
            "config/prod.yaml: backend.type: required key is missing; allowed: 'local', "
            "'cloud', 's3', 'gcs', 'azurerm'",
            id="backend-without-type",
        ),
        pytest.param(
            "backend: {type: consul}\n",
            "config/prod.yaml: backend.type: got 'consul'; allowed: 'local', 'cloud', 's3', "
            "'gcs', 'azurerm'",
            id="unknown-backend",
        ),
        pytest.param(
            "backend: {type: cloud, organization: acme, token: abc}\n" + VARIABLES,
            "config/prod.yaml: backend.token: unknown key; allowed keys: executionMode, "
            "hostname, organization, type, workspaces",
            id="no-token-in-config",
        ),
        pytest.param(
            "backend: {type: s3, bucket: acme-state, region: eu-west-1, secretKey: abc}\n",
            "config/prod.yaml: backend.secretKey: unknown key; allowed keys: bucket, encrypt, "
            "keyPrefix, kmsKeyId, region, type, useLockfile",
            id="no-s3-key-in-config",
        ),
        pytest.param(
            "backend: {type: cloud}\n" + VARIABLES,
            "config/prod.yaml: backend.organization: required key is missing",
            id="cloud-needs-organization",
        ),
        pytest.param(
            "backend: {type: cloud, organization: acme corp}\n" + VARIABLES,
            "config/prod.yaml: backend.organization: got 'acme corp'; must be letters, digits, "
            "'-' and '_' (at most 90), as HCP Terraform allows",
            id="organization-name",
        ),
        pytest.param(
            "backend: {type: cloud, organization: acme, hostname: 'https://tfe.example.com'}\n"
            + VARIABLES,
            "config/prod.yaml: backend.hostname: got 'https://tfe.example.com'; must be a "
            "lowercase host name such as 'app.terraform.io' (no scheme, no path)",
            id="hostname-with-scheme",
        ),
        pytest.param(
            "backend: {type: cloud, organization: acme, workspaces: {mesh: istio, "
            "policies: istio}}\n" + VARIABLES,
            "config/prod.yaml: backend.workspaces.policies: 'istio' is also the mesh stack's "
            "workspace; each stack needs its own workspace, or one apply would destroy the "
            "other's resources",
            id="one-workspace-for-both-stacks",
        ),
        pytest.param(
            "backend: {type: cloud, organization: acme, workspaces: {mesh: istio, "
            "tags: [istio]}}\n" + VARIABLES,
            "config/prod.yaml: backend.workspaces.mesh: workspaces are chosen by name or by "
            "tags, not both; remove mesh or tags",
            id="names-and-tags",
        ),
        pytest.param(
            "backend: {type: cloud, organization: acme, workspaces: {tags: [Istio]}}\n"
            + VARIABLES,
            "config/prod.yaml: backend.workspaces.tags[0]: got 'Istio'; must be lowercase "
            "letters, digits, ':', '-' and '_', starting and ending with a letter or digit",
            id="tag",
        ),
        pytest.param(
            "backend: {type: cloud, organization: acme, executionMode: agent}\n" + VARIABLES,
            "config/prod.yaml: backend.executionMode: got 'agent' (string); must be 'remote' "
            "or 'local'",
            id="execution-mode",
        ),
        pytest.param(
            "backend: {type: s3, bucket: acme-state, region: europe}\n",
            "config/prod.yaml: backend.region: got 'europe'; must be an AWS region such as "
            "'eu-west-1'",
            id="s3-region",
        ),
        pytest.param(
            "backend: {type: gcs, bucket: acme-state, prefix: /istio/}\n",
            "config/prod.yaml: backend.prefix: got '/istio/'; must be path segments of letters, "
            "digits, '.', '-' and '_' separated by '/', without a leading or trailing '/'",
            id="gcs-prefix",
        ),
        pytest.param(
            "backend: {type: azurerm, storageAccountName: Acme-State, containerName: tfstate}\n",
            "config/prod.yaml: backend.storageAccountName: got 'Acme-State'; must be 3 to 24 "
            "lowercase letters and digits",
            id="azure-storage-account",
        ),
        pytest.param(
            "connection: {mode: exec, command: aws eks get-token}\n",
            "config/prod.yaml: connection.command: got 'aws eks get-token'; must be one "
            "executable name or path, without spaces; put its arguments in args",
            id="exec-command-line",
        ),
        pytest.param(
            "connection: {mode: exec, command: aws, env: {AWS_SECRET_ACCESS_KEY: abc}}\n",
            "config/prod.yaml: connection.env.AWS_SECRET_ACCESS_KEY: looks like a credential, "
            "and the config never holds one; export it where Terraform runs (the command "
            "inherits that environment)",
            id="exec-env-secret",
        ),
        pytest.param(
            "connection: {mode: exec, command: aws, apiVersion: v1}\n",
            "config/prod.yaml: connection.apiVersion: got 'v1' (string); must be "
            "'client.authentication.k8s.io/v1' or 'client.authentication.k8s.io/v1beta1'",
            id="exec-api-version",
        ),
        pytest.param(
            "connection: {mode: exec}\n",
            "config/prod.yaml: connection.command: required key is missing",
            id="exec-needs-command",
        ),
        pytest.param(
            "mesh: {meshId: Mesh_1}\n",
            "config/prod.yaml: mesh.meshId: got 'Mesh_1'; must be lowercase letters, digits, "
            "'-' and '.', starting and ending with a letter or digit (at most 63), e.g. 'mesh1'",
            id="mesh-id",
        ),
    ],
)
def test_error_text(text: str, message: str) -> None:
    assert error_for(text) == message


def test_two_clusters_cannot_share_a_workspace(tmp_path: Path) -> None:
    text = "backend: {type: cloud, organization: acme, workspaces: {mesh: istio}}\n" + VARIABLES
    for name in ("eu", "us"):
        (tmp_path / f"{name}.yaml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_configs([tmp_path / "eu.yaml", tmp_path / "us.yaml"])
    assert str(caught.value) == (
        f"{tmp_path / 'us.yaml'}: backend: us-mesh keeps its state in HCP Terraform workspace "
        f"app.terraform.io/acme/istio, as eu-mesh ({tmp_path / 'eu.yaml'}) does; every stack "
        "needs its own"
    )


def test_clusters_in_one_bucket_get_their_own_keys(tmp_path: Path) -> None:
    for name in ("eu", "us"):
        (tmp_path / f"{name}.yaml").write_text("backend: {type: s3, bucket: acme-state, region: eu-west-1}")
    assert sorted(load_configs([tmp_path / "eu.yaml", tmp_path / "us.yaml"])) == ["eu", "us"]


# -- synthesized ---------------------------------------------------------------


def test_hcp_fixture_has_a_cloud_block_per_stack_with_distinct_workspaces(synth: Synth) -> None:
    blocks = {kind: synth.stack(f"hcp-{kind}")["terraform"] for kind in ("mesh", "policies")}
    assert all("backend" not in block for block in blocks.values())
    assert blocks["mesh"]["cloud"] == {
        "hostname": "app.terraform.io",
        "organization": "acme-platform",
        "workspaces": {"name": "hcp-mesh", "project": "istio"},
    }
    assert blocks["policies"]["cloud"] == {
        "hostname": "app.terraform.io",
        "organization": "acme-platform",
        "workspaces": {"name": "istio-hcp-policies", "project": "istio"},
    }


@pytest.mark.parametrize("kind", ["mesh", "policies"])
def test_hcp_fixture_reaches_the_cluster_through_sensitive_variables_only(
    synth: Synth, kind: str
) -> None:
    stack = synth.stack(f"hcp-{kind}")
    # Besides the credentials, the mesh stack has the upgrade guard's
    # first-apply switch: a plain bool, no credential.
    switch = stack["variable"].pop("istio_upgrade_guard_first_apply", None)
    assert (switch is not None) == (kind == "mesh")
    assert sorted(stack["variable"]) == ["kube_cluster_ca_certificate", "kube_host", "kube_token"]
    assert all(v["sensitive"] is True for v in stack["variable"].values())
    text = synth.stack_text(f"hcp-{kind}")
    assert "config_path" not in text and "exec" not in text
    assert CREDENTIAL.search(text) is None


def test_hcp_snapshot(synth: Synth, snapshot: SnapshotAssertion) -> None:
    from contracts.test_snapshots import _reviewable

    stacks = {kind: _reviewable(synth.stack(f"hcp-{kind}")) for kind in ("mesh", "policies")}
    assert stacks == snapshot.use_extension(JSONSnapshotExtension)


BACKEND_CONFIGS = {
    "tagged": "backend: {type: cloud, organization: acme, hostname: tfe.example.com, "
              "workspaces: {tags: [istio, 'team:platform']}}\n" + VARIABLES,
    "s3": "backend: {type: s3, bucket: acme-state, region: eu-west-1, keyPrefix: clusters/istio, "
          "kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/abcd'}\n"
          "connection: {mode: exec, command: aws, args: [eks, get-token, --cluster-name, prod], "
          "env: {AWS_PROFILE: platform}}\n",
    "gcs": "backend: {type: gcs, bucket: acme-state}\n",
    "azure": "backend: {type: azurerm, storageAccountName: acmestate, containerName: tfstate, "
             "resourceGroupName: platform, useAzureadAuth: false}\n",
}


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    configs = {name: config_from(text) for name, text in BACKEND_CONFIGS.items()}
    return synthesize(configs, tmp_path_factory.mktemp("backends"))


def _terraform(backends: Synth, name: str) -> dict:
    return {kind: backends.stack(f"{name}-{kind}")["terraform"] for kind in ("mesh", "policies")}


def test_tagged_workspaces(backends: Synth) -> None:
    blocks = _terraform(backends, "tagged")
    assert blocks["mesh"]["cloud"] == {
        "hostname": "tfe.example.com",
        "organization": "acme",
        "workspaces": {"tags": ["istio", "team:platform", "tagged-mesh"]},
    }
    assert blocks["policies"]["cloud"]["workspaces"] == {
        "tags": ["istio", "team:platform", "tagged-policies"]}


def test_s3_backend_one_key_per_stack_with_native_locking(backends: Synth) -> None:
    blocks = _terraform(backends, "s3")
    assert blocks["mesh"]["backend"] == {"s3": {
        "bucket": "acme-state",
        "key": "clusters/istio/s3-mesh.tfstate",
        "region": "eu-west-1",
        "encrypt": True,
        "kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/abcd",
        "use_lockfile": True,
    }}
    assert blocks["policies"]["backend"]["s3"]["key"] == "clusters/istio/s3-policies.tfstate"


def test_gcs_backend_one_prefix_per_stack(backends: Synth) -> None:
    blocks = _terraform(backends, "gcs")
    assert blocks["mesh"]["backend"] == {"gcs": {"bucket": "acme-state", "prefix": "istio-mesh/gcs-mesh"}}
    assert blocks["policies"]["backend"] == {
        "gcs": {"bucket": "acme-state", "prefix": "istio-mesh/gcs-policies"}}


def test_azurerm_backend_one_blob_per_stack(backends: Synth) -> None:
    blocks = _terraform(backends, "azure")
    assert blocks["mesh"]["backend"] == {"azurerm": {
        "storage_account_name": "acmestate",
        "container_name": "tfstate",
        "resource_group_name": "platform",
        "key": "istio-mesh/azure-mesh.tfstate",
        "use_azuread_auth": False,
    }}


def test_exec_credentials_in_both_providers(backends: Synth) -> None:
    exec_block = {
        "api_version": "client.authentication.k8s.io/v1beta1",
        "command": "aws",
        "args": ["eks", "get-token", "--cluster-name", "prod"],
        # Upper case as written: cdktf on its own would write aws_profile.
        "env": {"AWS_PROFILE": "platform"},
    }
    variables = {"host": "${var.kube_host}", "cluster_ca_certificate": "${var.kube_cluster_ca_certificate}"}
    mesh = backends.stack("s3-mesh")
    assert mesh["provider"]["helm"] == [{"kubernetes": {**variables, "exec": exec_block}}]
    assert sorted(mesh["variable"]) == [
        "istio_upgrade_guard_first_apply", "kube_cluster_ca_certificate", "kube_host"]
    policies = backends.stack("s3-policies")
    assert policies["provider"]["kubernetes"] == [{**variables, "exec": [exec_block]}]


def test_no_credential_literal_in_any_backend(backends: Synth) -> None:
    leaks = {name: m.group(0) for name in backends.stack_names()
             if (m := CREDENTIAL.search(backends.stack_text(name)))}
    assert leaks == {}
    cloud_blocks = [backends.stack(n)["terraform"]["cloud"] for n in ("tagged-mesh", "tagged-policies")]
    assert all(set(block) == {"hostname", "organization", "workspaces"} for block in cloud_blocks)

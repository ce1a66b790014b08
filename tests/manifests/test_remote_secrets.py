"""``manifests.remote_secrets`` names the secret istiod reads another cluster's
API server credentials from and writes the Terraform expression that builds
its kubeconfig from variables. This file checks both strings exactly, and
that the expression carries variable references, never values."""

from __future__ import annotations

from istio_mesh.manifests.remote_secrets import (
    REMOTE_SECRET_LABELS,
    remote_kubeconfig_expression,
    remote_secret_name,
)


def test_the_secret_is_named_as_istioctl_create_remote_secret_names_it() -> None:
    assert remote_secret_name("west") == "istio-remote-secret-west"


def test_istiod_finds_remote_secrets_by_the_multicluster_label() -> None:
    assert REMOTE_SECRET_LABELS == {"istio/multiCluster": "true"}


def test_the_kubeconfig_is_a_jsonencode_template_of_variable_references() -> None:
    assert remote_kubeconfig_expression("west", "cluster_west") == (
        '${jsonencode({apiVersion = "v1", kind = "Config", '
        'clusters = [{name = "west", cluster = {server = var.cluster_west_api_server, '
        '"certificate-authority-data" = base64encode(var.cluster_west_ca_certificate)}}], '
        'users = [{name = "west", user = {token = var.cluster_west_token}}], '
        'contexts = [{name = "west", context = {cluster = "west", user = "west"}}], '
        '"current-context" = "west"})}'
    )


def test_another_cluster_and_prefix_change_only_names_and_references() -> None:
    expression = remote_kubeconfig_expression("edge-2", "remote")
    assert "var.remote_api_server" in expression
    assert "var.remote_token" in expression
    assert "west" not in expression
    assert '"current-context" = "edge-2"' in expression

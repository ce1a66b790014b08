"""Provider credentials (istio_mesh.stacks.connection): a kubeconfig path, or
sensitive Terraform variables (and maybe a credential command), rendered
into both providers. This file synthesizes a fresh stack per connection mode
and checks the exact provider blocks and variables, and that no credential
is a literal."""

from __future__ import annotations

from typing import Any

from conftest import fresh_stack, synth_stack
from istio_mesh.config.connection import Connection, KubeconfigConnection, VariablesConnection
from istio_mesh.config.credentials import ExecConnection
from istio_mesh.runtime.toolchain import TOOLCHAIN

REFERENCES = {"cluster_ca_certificate": "${var.kube_cluster_ca_certificate}", "host": "${var.kube_host}"}

HOST_AND_CA = {
    "kube_cluster_ca_certificate": {"description": "PEM CA certificate of the API server.",
                                    "nullable": False, "sensitive": True, "type": "string"},
    "kube_host": {"description": "Kubernetes API server URL, e.g. https://1.2.3.4.",
                  "nullable": False, "sensitive": True, "type": "string"},
}

TOKEN = {"kube_token": {"description": "Bearer token of the identity Terraform acts as.",
                        "nullable": False, "sensitive": True, "type": "string"}}


def _synth(connection: Connection) -> dict[str, Any]:
    from istio_mesh.stacks.connection import cluster_access, helm_provider, kubernetes_provider

    stack = fresh_stack()
    access = cluster_access(stack, connection)
    helm_provider(stack, access)
    kubernetes_provider(stack, access)
    return synth_stack(stack)


def test_a_kubeconfig_connection_passes_the_path_and_context_and_declares_no_variables() -> None:
    out = _synth(KubeconfigConnection(context="prod"))
    settings = {"config_context": "prod", "config_path": "~/.kube/config"}
    assert out["provider"] == {"helm": [{"kubernetes": settings}], "kubernetes": [settings]}
    assert "variable" not in out


def test_a_kubeconfig_without_a_context_uses_the_files_current_context() -> None:
    out = _synth(KubeconfigConnection(kubeconfig_path="/etc/kube/admin.conf"))
    assert out["provider"]["kubernetes"] == [{"config_path": "/etc/kube/admin.conf"}]


def test_a_variables_connection_reads_host_ca_and_token_from_sensitive_variables() -> None:
    out = _synth(VariablesConnection(mode="variables"))
    settings = {**REFERENCES, "token": "${var.kube_token}"}
    assert out["provider"] == {"helm": [{"kubernetes": settings}], "kubernetes": [settings]}
    assert out["variable"] == {**HOST_AND_CA, **TOKEN}


def test_an_exec_connection_runs_the_command_for_a_token_and_declares_no_token_variable() -> None:
    out = _synth(ExecConnection(mode="exec", command="aws", args=("eks", "get-token"),
                                env={"AWS_PROFILE": "prod"}))
    command = {"api_version": "client.authentication.k8s.io/v1beta1", "args": ["eks", "get-token"],
               "command": "aws", "env": {"AWS_PROFILE": "prod"}}
    assert out["provider"] == {"helm": [{"kubernetes": {**REFERENCES, "exec": command}}],
                               "kubernetes": [{**REFERENCES, "exec": [command]}]}
    assert out["variable"] == HOST_AND_CA


def test_an_exec_command_without_arguments_or_env_renders_neither() -> None:
    out = _synth(ExecConnection(mode="exec", command="kubelogin", api_version="client.authentication.k8s.io/v1"))
    assert out["provider"]["kubernetes"][0]["exec"] == [
        {"api_version": "client.authentication.k8s.io/v1", "command": "kubelogin"}]
    assert out["provider"]["helm"][0]["kubernetes"]["exec"] == {
        "api_version": "client.authentication.k8s.io/v1", "command": "kubelogin"}


def test_both_providers_are_required_at_the_toolchains_versions() -> None:
    required = _synth(KubeconfigConnection())["terraform"]["required_providers"]
    assert {name: spec["version"] for name, spec in required.items()} == {
        "cdktf": {"helm": "3.1.1", "kubernetes": "2.38.0"},
        "cdktn": {"helm": "~> 3.3.0", "kubernetes": "~> 3.4.0"},
    }[TOOLCHAIN]


def test_cluster_access_of_a_kubeconfig_holds_no_host_or_credential() -> None:
    from istio_mesh.stacks.connection import ClusterAccess, cluster_access

    access = cluster_access(fresh_stack(), KubeconfigConnection(context="dev"))
    assert access == ClusterAccess(config_path="~/.kube/config", config_context="dev")

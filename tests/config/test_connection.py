"""How Terraform reaches the cluster (istio_mesh.config.connection): a
kubeconfig file, sensitive Terraform variables, or a credential command.

Checks each connection model's defaults and refusals, and that a
``connection:`` mapping without a ``mode`` means a kubeconfig.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.connection import (
    KubeconfigConnection,
    VariablesConnection,
    kubeconfig_unless_told,
)
from istio_mesh.config.credentials import ExecConnection
from istio_mesh.config.errors import ConfigError


def _refusal(text: str) -> str:
    return shared_error_for(text, "test.yaml")


# -- KubeconfigConnection --------------------------------------------------------


def test_a_kubeconfig_connection_defaults_to_the_usual_file_and_its_current_context() -> None:
    connection = KubeconfigConnection()
    assert connection.mode == "kubeconfig"
    assert connection.kubeconfig_path == "~/.kube/config"
    assert connection.context is None


def test_a_kubeconfig_connection_takes_a_path_and_context_as_written() -> None:
    connection = KubeconfigConnection.model_validate(
        {"kubeconfigPath": "/etc/kube/prod.yaml", "context": "arn:aws:eks:eu-west-1:1:cluster/prod"}
    )
    assert connection.kubeconfig_path == "/etc/kube/prod.yaml"
    assert connection.context == "arn:aws:eks:eu-west-1:1:cluster/prod"


def test_a_kubeconfig_context_with_a_tab_is_refused() -> None:
    with pytest.raises(ValidationError, match="must not contain control characters or line breaks"):
        KubeconfigConnection(context="prod\tcluster")


def test_a_kubeconfig_connection_has_no_token_field() -> None:
    assert _refusal("connection: {mode: kubeconfig, token: abc}") == (
        "test.yaml: connection.token: unknown key; allowed keys: context, kubeconfigPath, mode"
    )


# -- VariablesConnection -----------------------------------------------------------


def test_a_variables_connection_is_only_its_mode() -> None:
    connection = VariablesConnection(mode="variables")
    assert connection.model_dump() == {"mode": "variables"}


def test_a_variables_connection_must_say_its_mode() -> None:
    with pytest.raises(ValidationError) as caught:
        VariablesConnection.model_validate({})
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("missing", ("mode",))]


def test_a_variables_connection_refuses_a_host_in_the_config() -> None:
    assert _refusal("connection: {mode: variables, host: 'https://k8s.example.com'}") == (
        "test.yaml: connection.host: unknown key; allowed keys: mode"
    )


# -- kubeconfig_unless_told ----------------------------------------------------------


def test_a_mapping_without_mode_becomes_a_kubeconfig_connection() -> None:
    assert kubeconfig_unless_told({"context": "prod"}) == {"mode": "kubeconfig", "context": "prod"}


def test_a_mapping_that_names_its_mode_is_left_alone() -> None:
    assert kubeconfig_unless_told({"mode": "exec", "command": "aws"}) == {
        "mode": "exec", "command": "aws",
    }


@pytest.mark.parametrize("value", [None, "kubeconfig", ["mode"]])
def test_a_value_that_is_not_a_mapping_is_passed_on_unchanged(value: object) -> None:
    assert kubeconfig_unless_told(value) == value


# -- the connection field of a config ------------------------------------------------


def test_a_config_without_connection_uses_the_default_kubeconfig() -> None:
    connection = config_from("{}").connection
    assert connection == KubeconfigConnection()


def test_a_config_with_only_a_kubeconfig_path_needs_no_mode() -> None:
    connection = config_from("connection: {kubeconfigPath: /tmp/kubeconfig}").connection
    assert isinstance(connection, KubeconfigConnection)
    assert connection.kubeconfig_path == "/tmp/kubeconfig"


def test_a_config_picks_the_connection_model_by_mode() -> None:
    assert isinstance(config_from("connection: {mode: variables}").connection, VariablesConnection)
    assert isinstance(
        config_from("connection: {mode: exec, command: kubelogin}").connection, ExecConnection
    )


def test_a_kubeconfig_key_under_variables_mode_is_refused() -> None:
    assert _refusal("connection: {mode: variables, context: prod}") == (
        "test.yaml: connection.context: unknown key; allowed keys: mode"
    )

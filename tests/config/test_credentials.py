"""Short-lived cluster tokens from a command (istio_mesh.config.credentials):
the exec connection's defaults, its one-executable command, and its
environment, which may hold settings but never a credential.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.credentials import EXEC_VARIABLE_NAMES, ExecConnection
from istio_mesh.config.errors import ConfigError, RuleViolation


def _exec(**fields: object) -> ExecConnection:
    return ExecConnection.model_validate({"mode": "exec", **fields})


def _violation(error: ValidationError) -> RuleViolation:
    [detail] = error.errors()
    cause = detail["ctx"]["error"]
    assert isinstance(cause, RuleViolation)
    return cause


def _refusal(text: str) -> str:
    return shared_error_for(text, "test.yaml")


def test_the_exec_connection_declares_host_and_ca_variables_but_no_token() -> None:
    assert EXEC_VARIABLE_NAMES == ("kube_host", "kube_cluster_ca_certificate")


def test_an_exec_connection_defaults_to_v1beta1_no_arguments_and_no_environment() -> None:
    connection = _exec(command="aws")
    assert connection.api_version == "client.authentication.k8s.io/v1beta1"
    assert connection.args == ()
    assert connection.env == {}


def test_an_exec_connection_keeps_arguments_in_order() -> None:
    connection = _exec(
        command="aws", args=["eks", "get-token", "--cluster-name", "prod"],
        apiVersion="client.authentication.k8s.io/v1",
    )
    assert connection.args == ("eks", "get-token", "--cluster-name", "prod")
    assert connection.api_version == "client.authentication.k8s.io/v1"


def test_a_command_given_as_a_path_is_accepted() -> None:
    assert _exec(command="/usr/local/bin/gke-gcloud-auth-plugin").command == (
        "/usr/local/bin/gke-gcloud-auth-plugin"
    )


def test_an_exec_connection_needs_a_command() -> None:
    with pytest.raises(ValidationError) as caught:
        ExecConnection.model_validate({"mode": "exec"})
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("missing", ("command",))]


@pytest.mark.parametrize("command", ["", "aws\teks", "kubelogin\n"])
def test_an_empty_command_or_one_with_whitespace_is_refused(command: str) -> None:
    with pytest.raises(ValidationError, match="must be one executable name or path, without spaces"):
        _exec(command=command)


def test_a_command_line_in_command_is_refused_with_the_fix() -> None:
    assert _refusal("connection: {mode: exec, command: 'kubelogin get-token'}") == (
        "test.yaml: connection.command: got 'kubelogin get-token'; must be one executable "
        "name or path, without spaces; put its arguments in args"
    )


def test_non_secret_settings_in_env_are_kept() -> None:
    env = {"AWS_PROFILE": "prod", "AWS_REGION": "eu-west-1", "_X1": "y"}
    assert _exec(command="aws", env=env).env == env


@pytest.mark.parametrize(
    "name",
    ["AWS_SESSION_TOKEN", "client_secret", "DB_PASSWORD", "PASSWD", "GOOGLE_CREDENTIALS",
     "AWS_ACCESS_KEY_ID", "TLS_PRIVATE_KEY", "CLIENT_KEY_DATA"],
)
def test_an_env_name_that_looks_like_a_credential_is_refused_at_that_name(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _exec(command="aws", env={name: "x"})
    violation = _violation(caught.value)
    assert violation.path == (name,)
    assert violation.message.startswith("looks like a credential")


@pytest.mark.parametrize("name", ["1ST", "AWS-PROFILE", "A B", ""])
def test_an_env_name_that_is_not_a_variable_name_is_refused(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _exec(command="aws", env={name: "x"})
    violation = _violation(caught.value)
    assert violation.path == (name,)
    assert violation.message == "is not an environment variable name (letters, digits and '_')"


def test_a_non_ascii_env_name_is_refused() -> None:
    with pytest.raises(ValidationError, match="is not an environment variable name"):
        _exec(command="aws", env={"PRÖFILE": "x"})


def test_a_bad_env_name_is_reported_at_its_key_in_the_file() -> None:
    assert _refusal("connection: {mode: exec, command: aws, env: {AWS-PROFILE: prod}}") == (
        "test.yaml: connection.env.AWS-PROFILE: is not an environment variable name "
        "(letters, digits and '_')"
    )

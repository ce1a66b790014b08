"""Where each stack keeps its Terraform state (istio_mesh.config.backend):
the backend models and their name rules, the workspace and state-location
helpers, and the refusal of a connection that remote runs cannot use.

Checks the models and functions directly; tests/stacks/test_state.py checks
the synthesized backend blocks and more of the exact messages.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from istio_mesh.config.backend import (
    BACKEND_TYPES,
    STACK_KINDS,
    STACK_NAME,
    AzurermBackend,
    CloudBackend,
    CloudWorkspaces,
    GcsBackend,
    LocalBackend,
    S3Backend,
    check_remote_runs,
    require_backend_type,
    stack_name,
    state_key,
    state_location,
    workspace_name,
    workspace_tags,
)
from istio_mesh.config.errors import RuleViolation


def _cloud(**fields: object) -> CloudBackend:
    return CloudBackend.model_validate({"type": "cloud", "organization": "acme", **fields})


def _violation(error: ValidationError) -> RuleViolation:
    [detail] = error.errors()
    cause = detail["ctx"]["error"]
    assert isinstance(cause, RuleViolation)
    return cause


def _message(error: ValidationError) -> str:
    [detail] = error.errors()
    return str(detail["msg"])


# -- stack names ---------------------------------------------------------------------


def test_a_stack_is_named_after_its_prefix_and_kind() -> None:
    assert stack_name("prod", "mesh") == "prod-mesh"
    assert stack_name("eu-west", "policies") == "eu-west-policies"
    assert STACK_KINDS == ("mesh", "policies")


@pytest.mark.parametrize("prefix", ["a", "prod", "eu-west-1", "a" * 42])
def test_a_lowercase_prefix_of_at_most_42_characters_makes_a_stack_name(prefix: str) -> None:
    assert STACK_NAME.fullmatch(prefix)


@pytest.mark.parametrize("prefix", ["", "Prod", "prod_eu", "-prod", "prod-", "a" * 43, "prød"])
def test_a_prefix_that_cannot_make_a_stack_name_does_not_match(prefix: str) -> None:
    assert STACK_NAME.fullmatch(prefix) is None


# -- LocalBackend ---------------------------------------------------------------------


def test_the_local_backend_needs_no_settings() -> None:
    assert LocalBackend().type == "local"


def test_the_local_backend_takes_no_path() -> None:
    with pytest.raises(ValidationError) as caught:
        LocalBackend.model_validate({"type": "local", "path": "state.tfstate"})
    assert [e["type"] for e in caught.value.errors()] == ["extra_forbidden"]


# -- CloudWorkspaces ------------------------------------------------------------------


def test_cloud_workspaces_default_to_names_after_the_stacks_in_the_default_project() -> None:
    workspaces = CloudWorkspaces()
    assert (workspaces.mesh, workspaces.policies, workspaces.tags, workspaces.project) == (
        None, None, (), None,
    )


def test_both_stacks_may_name_their_own_workspace() -> None:
    workspaces = CloudWorkspaces(mesh="istio-mesh", policies="istio-policies", project="Platform_1")
    assert (workspaces.mesh, workspaces.policies) == ("istio-mesh", "istio-policies")


def test_naming_only_the_policies_workspace_and_choosing_tags_is_refused_at_policies() -> None:
    with pytest.raises(ValidationError) as caught:
        CloudWorkspaces.model_validate({"policies": "p", "tags": ["istio"]})
    violation = _violation(caught.value)
    assert violation.path == ("policies",)
    assert violation.message == (
        "workspaces are chosen by name or by tags, not both; remove policies or tags"
    )


def test_naming_both_workspaces_and_choosing_tags_names_both_in_the_fix() -> None:
    with pytest.raises(ValidationError) as caught:
        CloudWorkspaces.model_validate({"mesh": "m", "policies": "p", "tags": ["istio"]})
    violation = _violation(caught.value)
    assert violation.path == ("mesh",)
    assert violation.message.endswith("remove mesh and policies or tags")


def test_a_workspace_name_of_91_characters_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        CloudWorkspaces(mesh="w" * 91)
    assert _message(caught.value) == (
        "Value error, must be letters, digits, '-' and '_' (at most 90), as HCP Terraform allows"
    )


def test_a_workspace_name_of_90_characters_is_accepted() -> None:
    assert CloudWorkspaces(mesh="w" * 90).mesh == "w" * 90


@pytest.mark.parametrize("tag", ["istio", "env:prod", "a", "team_platform-1"])
def test_lowercase_workspace_tags_are_accepted(tag: str) -> None:
    assert CloudWorkspaces(tags=(tag,)).tags == (tag,)


@pytest.mark.parametrize("tag", [":prod", "prod-", "Prod", "env prod"])
def test_a_workspace_tag_that_starts_or_ends_with_punctuation_or_has_capitals_is_refused(
    tag: str,
) -> None:
    with pytest.raises(ValidationError, match="must be lowercase letters, digits, ':', '-' and '_'"):
        CloudWorkspaces(tags=(tag,))


# -- CloudBackend ------------------------------------------------------------------------


def test_a_cloud_backend_defaults_to_hcp_terraform_remote_runs_and_stack_named_workspaces() -> None:
    backend = _cloud()
    assert backend.hostname == "app.terraform.io"
    assert backend.execution_mode == "remote"
    assert backend.workspaces == CloudWorkspaces()


def test_a_terraform_enterprise_host_is_accepted() -> None:
    assert _cloud(hostname="tfe.internal.example.com").hostname == "tfe.internal.example.com"


@pytest.mark.parametrize("hostname", ["localhost", "tfe.example.com/api", "TFE.example.com", "tfe.example.com:8443"])
def test_a_hostname_without_a_dot_or_with_a_path_port_or_capitals_is_refused(hostname: str) -> None:
    with pytest.raises(ValidationError, match="must be a lowercase host name such as 'app.terraform.io'"):
        _cloud(hostname=hostname)


def test_a_cloud_backend_has_no_token_field() -> None:
    with pytest.raises(ValidationError) as caught:
        _cloud(token="secret")
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("extra_forbidden", ("token",))]


# -- S3Backend ------------------------------------------------------------------------------


def test_an_s3_backend_defaults_to_encrypted_natively_locked_state_under_istio_mesh() -> None:
    backend = S3Backend.model_validate({"type": "s3", "bucket": "acme-state", "region": "eu-west-1"})
    assert (backend.key_prefix, backend.encrypt, backend.kms_key_id, backend.use_lockfile) == (
        "istio-mesh", True, None, True,
    )


@pytest.mark.parametrize("region", ["us-east-1", "ap-southeast-2", "us-gov-west-1"])
def test_aws_regions_are_accepted(region: str) -> None:
    assert S3Backend.model_validate({"type": "s3", "bucket": "abc", "region": region}).region == region


@pytest.mark.parametrize("bucket", ["ab", "-abc", "abc-", "Acme", "a" * 64])
def test_a_bucket_name_outside_the_rules_is_refused(bucket: str) -> None:
    with pytest.raises(ValidationError, match="must be a bucket name: 3 to 63 lowercase letters"):
        S3Backend.model_validate({"type": "s3", "bucket": bucket, "region": "eu-west-1"})


def test_bucket_names_of_3_and_63_characters_are_accepted() -> None:
    for bucket in ("abc", "a" * 63):
        assert S3Backend.model_validate({"type": "s3", "bucket": bucket, "region": "eu-west-1"}).bucket == bucket


# -- GcsBackend -------------------------------------------------------------------------------


def test_a_gcs_backend_defaults_its_prefix_and_takes_nested_ones() -> None:
    assert GcsBackend.model_validate({"type": "gcs", "bucket": "acme"}).prefix == "istio-mesh"
    assert GcsBackend.model_validate({"type": "gcs", "bucket": "acme", "prefix": "a/b.c/d_e"}).prefix == "a/b.c/d_e"


@pytest.mark.parametrize("prefix", ["a//b", "a/", "", "a b"])
def test_a_gcs_prefix_with_an_empty_segment_or_a_space_is_refused(prefix: str) -> None:
    with pytest.raises(ValidationError, match="must be path segments of letters, digits"):
        GcsBackend.model_validate({"type": "gcs", "bucket": "acme", "prefix": prefix})


# -- AzurermBackend ----------------------------------------------------------------------------


def _azure(**fields: object) -> AzurermBackend:
    return AzurermBackend.model_validate(
        {"type": "azurerm", "storageAccountName": "acmestate", "containerName": "tfstate", **fields}
    )


def test_an_azure_backend_defaults_to_entra_id_auth_and_no_resource_group() -> None:
    backend = _azure()
    assert (backend.use_azuread_auth, backend.resource_group_name, backend.key_prefix) == (
        True, None, "istio-mesh",
    )


@pytest.mark.parametrize("name", ["ab", "a" * 25, "acme_state"])
def test_a_storage_account_name_outside_3_to_24_lowercase_alphanumerics_is_refused(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _azure(storageAccountName=name)
    violation = _violation(caught.value)
    assert violation.path == ("storageAccountName",)
    assert violation.message == f"got {name!a}; must be 3 to 24 lowercase letters and digits"


@pytest.mark.parametrize("name", ["tf--state", "-tfstate", "tfstate-", "TfState", "tf"])
def test_a_container_name_with_a_double_dash_or_bad_ends_is_refused(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _azure(containerName=name)
    violation = _violation(caught.value)
    assert violation.path == ("containerName",)
    assert violation.message == (
        f"got {name!a}; must be 3 to 63 lowercase letters, digits and single '-', starting "
        "and ending with a letter or digit"
    )


def test_a_container_name_with_single_dashes_is_accepted() -> None:
    assert _azure(containerName="tf-state-1").container_name == "tf-state-1"


# -- require_backend_type -------------------------------------------------------------------------


def test_a_backend_mapping_without_a_type_is_refused_with_the_allowed_types() -> None:
    with pytest.raises(RuleViolation) as caught:
        require_backend_type({"bucket": "acme"})
    assert caught.value.path == ("type",)
    assert caught.value.message == (
        "required key is missing; allowed: 'local', 'cloud', 's3', 'gcs', 'azurerm'"
    )
    assert BACKEND_TYPES == ("local", "cloud", "s3", "gcs", "azurerm")


@pytest.mark.parametrize("value", [{"type": "s3"}, None, "local"])
def test_a_typed_mapping_or_a_non_mapping_is_passed_on_unchanged(value: object) -> None:
    assert require_backend_type(value) == value


# -- workspace_name / workspace_tags ------------------------------------------------------------


def test_an_unnamed_workspace_is_the_stack_name_and_a_named_one_its_name() -> None:
    backend = _cloud(workspaces={"policies": "istio-policies"})
    assert workspace_name(backend, "mesh", "prod-mesh") == "prod-mesh"
    assert workspace_name(backend, "policies", "prod-policies") == "istio-policies"


def test_tagged_workspaces_have_no_name_for_either_stack() -> None:
    backend = _cloud(workspaces={"tags": ["istio"]})
    assert workspace_name(backend, "policies", "prod-policies") is None


def test_workspace_tags_without_configured_tags_are_the_stack_name_alone() -> None:
    assert workspace_tags(_cloud(), "prod-mesh") == ("prod-mesh",)


def test_a_configured_tag_equal_to_the_stack_name_is_listed_once_in_its_place() -> None:
    backend = _cloud(workspaces={"tags": ["prod-policies", "istio"]})
    assert workspace_tags(backend, "prod-policies") == ("prod-policies", "istio")


# -- state_key / state_location -------------------------------------------------------------------


def test_a_state_key_is_one_object_per_stack_under_the_prefix() -> None:
    assert state_key("clusters/eu", "prod-policies") == "clusters/eu/prod-policies.tfstate"


def test_the_state_of_a_tagged_cloud_workspace_names_its_host_organization_and_tags() -> None:
    backend = _cloud(hostname="tfe.example.com", workspaces={"tags": ["istio"]})
    assert state_location(backend, "policies", "prod-policies") == (
        "HCP Terraform workspaces tfe.example.com/acme tagged istio, prod-policies"
    )


def test_the_state_of_a_named_cloud_workspace_uses_the_configured_name() -> None:
    backend = _cloud(workspaces={"mesh": "istio-prod"})
    assert state_location(backend, "mesh", "prod-mesh") == (
        "HCP Terraform workspace app.terraform.io/acme/istio-prod"
    )


def test_the_mesh_and_policies_stacks_of_one_bucket_have_different_locations() -> None:
    backend = S3Backend.model_validate(
        {"type": "s3", "bucket": "acme", "region": "eu-west-1", "keyPrefix": "k8s/prod"}
    )
    assert state_location(backend, "mesh", "prod-mesh") == "s3://acme/k8s/prod/prod-mesh.tfstate"
    assert state_location(backend, "policies", "prod-policies") == (
        "s3://acme/k8s/prod/prod-policies.tfstate"
    )


def test_the_local_state_location_is_a_file_named_after_the_stack() -> None:
    assert state_location(LocalBackend(), "policies", "dev-policies") == (
        "local file terraform.dev-policies.tfstate"
    )


# -- check_remote_runs ---------------------------------------------------------------------------


def test_remote_runs_accept_a_variables_connection() -> None:
    assert check_remote_runs(_cloud(), "variables") is None


@pytest.mark.parametrize("mode", ["kubeconfig", "exec"])
def test_local_runs_of_a_cloud_workspace_accept_any_connection(mode: str) -> None:
    assert check_remote_runs(_cloud(executionMode="local"), mode, "aws") is None


@pytest.mark.parametrize("mode", ["kubeconfig", "exec"])
def test_a_bucket_backend_accepts_any_connection(mode: str) -> None:
    backend = GcsBackend.model_validate({"type": "gcs", "bucket": "acme"})
    assert check_remote_runs(backend, mode, "gke-gcloud-auth-plugin") is None


def test_remote_runs_refuse_a_kubeconfig_at_connection_mode() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_remote_runs(_cloud(), "kubeconfig")
    assert caught.value.path == ("connection", "mode")
    assert caught.value.message.startswith(
        "'kubeconfig' cannot be used with backend.type 'cloud': HCP Terraform's remote runs "
        "have no kubeconfig file"
    )


def test_remote_runs_refuse_an_exec_command_and_name_it() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_remote_runs(_cloud(), "exec", "kubelogin")
    assert caught.value.path == ("connection", "mode")
    assert "cannot run 'kubelogin' (hashicorp/terraform-provider-kubernetes#2011)" in caught.value.message
    assert caught.value.message.endswith("or set backend.executionMode: local")

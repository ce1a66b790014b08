"""Where each stack keeps its Terraform state (the config's ``backend``),
and how a stack reads its own last state back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from istio_mesh.config import backend as config
from istio_mesh.runtime.terraform import (
    AzurermBackend,
    CloudBackend,
    DataTerraformRemoteStateLocal,
    GcsBackend,
    LocalBackend,
    NamedCloudWorkspace,
    S3Backend,
    TaggedCloudWorkspaces,
    TerraformStack,
    TerraformVariable,
)


PREVIOUS_STATE = "previous_state"
"""Address of the data source that reads a stack's own last state."""


def _state_path(stack_name: str) -> str:
    # Resolved from the stack's working directory, cdktf.out/stacks/<name>/.
    return f"../../../terraform.{stack_name}.tfstate"


def local_state(stack: TerraformStack, stack_name: str) -> None:
    """State beside cdktf.json, as cdktf's default does, but by a relative path.

    cdktf's default writes the absolute path of the machine that synthesized,
    which makes the output differ between checkouts. The backend path is
    resolved from the stack's working directory, cdktf.out/stacks/<name>/.
    """
    LocalBackend(stack, path=_state_path(stack_name))


def state_backend(
    stack: TerraformStack,
    backend: config.Backend,
    *,
    kind: config.StackKind,
    stack_name: str,
) -> None:
    """Declare ``backend`` for one stack; every stack gets its own state.

    No credential is passed to any backend: HCP Terraform's token comes from
    ``TF_TOKEN_<host>`` or the CLI credentials file, the buckets' from the
    cloud's environment.
    """
    if isinstance(backend, config.CloudBackend):
        workspace = config.workspace_name(backend, kind, stack_name)
        project = backend.workspaces.project
        CloudBackend(
            stack,
            organization=backend.organization,
            hostname=backend.hostname,
            workspaces=(
                NamedCloudWorkspace(name=workspace, project=project)
                if workspace is not None
                else TaggedCloudWorkspaces(
                    tags=list(config.workspace_tags(backend, stack_name)), project=project
                )
            ),
        )
    elif isinstance(backend, config.S3Backend):
        s3 = S3Backend(
            stack,
            bucket=backend.bucket,
            key=config.state_key(backend.key_prefix, stack_name),
            region=backend.region,
            encrypt=backend.encrypt,
            kms_key_id=backend.kms_key_id,
        )
        if backend.use_lockfile:
            # cdktf 0.21 predates S3-native locking (Terraform 1.10); the
            # override writes the setting into the backend block as is.
            s3.add_override("use_lockfile", True)
    elif isinstance(backend, config.GcsBackend):
        GcsBackend(stack, bucket=backend.bucket, prefix=f"{backend.prefix}/{stack_name}")
    elif isinstance(backend, config.AzurermBackend):
        AzurermBackend(
            stack,
            storage_account_name=backend.storage_account_name,
            container_name=backend.container_name,
            resource_group_name=backend.resource_group_name,
            key=config.state_key(backend.key_prefix, stack_name),
            use_azuread_auth=backend.use_azuread_auth,
        )
    else:
        local_state(stack, stack_name)


@dataclass(frozen=True)
class PreviousOutputs:
    """The outputs a stack's last apply left in its own state, as expressions."""

    address: str

    def get(self, output: str) -> str:
        """An HCL expression (without ``${}``) for ``output``: its value at the
        last apply, or ``null`` before the first apply."""
        return f"one({self.address}[*].outputs.{output})"


FIRST_APPLY_VARIABLE = "istio_upgrade_guard_first_apply"
"""Variable of a stack with remote state: true for its first apply only."""


def remote_state_source(
    backend: config.Backend, kind: config.StackKind, stack_name: str
) -> tuple[str, dict[str, Any]] | None:
    """``terraform_remote_state``'s backend type and config for the state
    :func:`state_backend` gives this stack, or None for local state.

    HCP Terraform is read through the ``remote`` backend type (the data
    source has no ``cloud`` type), from the stack's workspace: its name, or
    with tags the workspace the run selected (``terraform.workspace``). No
    credential is written here either: each reads the same environment the
    stack's own backend does.
    """
    if isinstance(backend, config.CloudBackend):
        workspace = config.workspace_name(backend, kind, stack_name) or "${terraform.workspace}"
        return "remote", {
            "hostname": backend.hostname,
            "organization": backend.organization,
            "workspaces": {"name": workspace},
        }
    if isinstance(backend, config.S3Backend):
        return "s3", {
            "bucket": backend.bucket,
            "key": config.state_key(backend.key_prefix, stack_name),
            "region": backend.region,
        }
    if isinstance(backend, config.GcsBackend):
        return "gcs", {"bucket": backend.bucket, "prefix": f"{backend.prefix}/{stack_name}"}
    if isinstance(backend, config.AzurermBackend):
        return "azurerm", {
            "storage_account_name": backend.storage_account_name,
            "container_name": backend.container_name,
            "resource_group_name": backend.resource_group_name,
            "key": config.state_key(backend.key_prefix, stack_name),
            "use_azuread_auth": backend.use_azuread_auth,
        }
    return None


def previous_outputs(
    stack: TerraformStack,
    stack_name: str,
    defaults: dict[str, Any],
    *,
    backend: config.Backend | None = None,
    kind: config.StackKind = "mesh",
) -> PreviousOutputs:
    """Read the stack's own last state back, so a plan can compare with it.

    Goes through ``terraform_remote_state`` on the backend of
    :func:`local_state` (the two must change together). Before the first
    apply there is nothing to read: the local backend has no state file, or
    an empty one that the running plan created to lock it, and
    ``terraform_remote_state`` fails on both, so the data source is read only
    when the file holds a state (``count``). ``defaults`` stand in for outputs
    that a state written by an older version of the stack lacks.

    With a remote ``backend`` (HCP Terraform, S3, GCS, azurerm) the same data
    source reads the stack's own state through that backend
    (:func:`remote_state_source`). Terraform cannot tell from inside a plan
    whether a bucket object or a workspace holds a state yet, and the data
    source fails on a missing one, so the first apply says so: the variable
    ``istio_upgrade_guard_first_apply`` (default false) turns the read off
    (``count = 0``), and with it the comparison: everything is new then.
    """
    path = _state_path(stack_name)
    previous = DataTerraformRemoteStateLocal(stack, "previous-state", path=path, defaults=defaults)
    previous.override_logical_id(PREVIOUS_STATE)
    remote = remote_state_source(backend, kind, stack_name) if backend is not None else None
    if remote is not None:
        _read_remote_state(stack, previous, *remote)
        return PreviousOutputs(f"data.terraform_remote_state.{PREVIOUS_STATE}")
    previous.add_override(
        "count", f'${{fileexists("{path}") ? (length(trimspace(file("{path}"))) > 0 ? 1 : 0) : 0}}'
    )
    return PreviousOutputs(f"data.terraform_remote_state.{PREVIOUS_STATE}")


def _read_remote_state(
    stack: TerraformStack, previous: Any, backend_type: str, settings: dict[str, Any]
) -> None:
    """Point the data source at a remote backend, off for the first apply."""
    first_apply = TerraformVariable(
        stack,
        "first-apply",
        type="bool",
        default=False,
        nullable=False,
        description=(
            "true for this stack's first apply only, while its backend holds no state yet: "
            "the Istio upgrade guard then has no previous versions to read."
        ),
    )
    first_apply.override_logical_id(FIRST_APPLY_VARIABLE)
    previous.add_override("backend", backend_type)
    previous.add_override("config.path", None)  # None deletes the local path
    for key, value in settings.items():
        previous.add_override(f"config.{key}", value)
    previous.add_override("count", f"${{var.{FIRST_APPLY_VARIABLE} ? 0 : 1}}")

"""Where each stack keeps its Terraform state: the config's ``backend``."""

from __future__ import annotations

from istio_mesh.config import backend as config
from istio_mesh.terraform import (
    AzurermBackend,
    CloudBackend,
    GcsBackend,
    LocalBackend,
    NamedCloudWorkspace,
    S3Backend,
    TaggedCloudWorkspaces,
    TerraformStack,
)


def local_state(stack: TerraformStack, stack_name: str) -> None:
    """State beside cdktf.json, as cdktf's default does, but by a relative path.

    cdktf's default writes the absolute path of the machine that synthesized,
    which makes the output differ between checkouts. The backend path is
    resolved from the stack's working directory, cdktf.out/stacks/<name>/.
    """
    LocalBackend(stack, path=f"../../../terraform.{stack_name}.tfstate")


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

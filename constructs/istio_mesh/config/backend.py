"""Where each stack keeps its Terraform state, and where its runs happen.

The choice lives in the cluster's config file (``backend:``), so one file
says everything about a cluster's mesh, including which HCP Terraform
workspaces or which bucket hold its state. No model here has a field for a
credential: HCP Terraform reads its token from ``TF_TOKEN_<hostname>`` or the
CLI credentials file, and the state buckets from the cloud's usual
environment (profiles, workload identity); unknown keys such as
``accessKey`` are refused like any other.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from istio_mesh.config.base import MeshModel
from istio_mesh.config.errors import RuleViolation

StackKind = Literal["mesh", "policies"]
STACK_KINDS: tuple[StackKind, ...] = ("mesh", "policies")

DEFAULT_CLOUD_HOSTNAME = "app.terraform.io"
DEFAULT_KEY_PREFIX = "istio-mesh"


STACK_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?", re.ASCII)
"""A stack prefix (cluster file stem or fleet cluster name) that, with
``-mesh`` or ``-policies`` appended, makes a valid Terraform stack name."""


def stack_name(prefix: str, kind: StackKind) -> str:
    """``prod`` + ``mesh`` -> ``prod-mesh``: the one spelling of stack names."""
    return f"{prefix}-{kind}"


def _matching(pattern: str, rule: str) -> AfterValidator:
    compiled = re.compile(pattern, re.ASCII)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(rule)
        return value

    return AfterValidator(check)


TfcName = Annotated[
    str,
    _matching(
        r"[A-Za-z0-9_-]{1,90}",
        "must be letters, digits, '-' and '_' (at most 90), as HCP Terraform allows",
    ),
]
"""An HCP Terraform organization or workspace name."""

WorkspaceTag = Annotated[
    str,
    _matching(
        r"[a-z0-9]([a-z0-9:_-]{0,253}[a-z0-9])?",
        "must be lowercase letters, digits, ':', '-' and '_', starting and ending "
        "with a letter or digit",
    ),
]
Hostname = Annotated[
    str,
    _matching(
        r"(?=.{1,253}\Z)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+",
        "must be a lowercase host name such as 'app.terraform.io' (no scheme, no path)",
    ),
]
KeyPrefix = Annotated[
    str,
    _matching(
        r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*",
        "must be path segments of letters, digits, '.', '-' and '_' separated by '/', "
        "without a leading or trailing '/'",
    ),
]
BucketName = Annotated[
    str,
    _matching(
        r"[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]",
        "must be a bucket name: 3 to 63 lowercase letters, digits, '.', '-' and '_', "
        "starting and ending with a letter or digit",
    ),
]
AwsRegion = Annotated[
    str,
    _matching(r"[a-z]{2}(-[a-z]+)+-[0-9]+", "must be an AWS region such as 'eu-west-1'"),
]


class LocalBackend(MeshModel):
    """State in a file beside cdktf.json, ``terraform.<stack>.tfstate``.

    For one operator's machine: nothing locks the file against a second
    machine, and losing the checkout loses the state.
    """

    type: Literal["local"] = Field(default="local", description="Local state files.")


class CloudWorkspaces(MeshModel):
    """Which HCP Terraform workspace each stack uses: named (by default after
    the stack, e.g. ``prod-mesh``), or selected by tags."""

    mesh: TfcName | None = Field(
        default=None,
        description="Workspace of the <name>-mesh stack. Unset: the stack's name, e.g. 'prod-mesh'.",
    )
    policies: TfcName | None = Field(
        default=None,
        description="Workspace of the <name>-policies stack. Unset: the stack's name, e.g. 'prod-policies'.",
    )
    tags: tuple[WorkspaceTag, ...] = Field(
        default=(),
        description=(
            "Select workspaces by tags instead of by name. Each stack adds its own name as a "
            "tag (e.g. 'prod-mesh'), so the two stacks never select the same workspaces; "
            "choose one with TF_WORKSPACE."
        ),
    )
    project: TfcName | None = Field(
        default=None,
        description="HCP Terraform project of the workspaces. Unset: the organization's default project.",
    )

    @model_validator(mode="after")
    def _one_way_to_choose(self) -> CloudWorkspaces:
        named = [kind for kind in STACK_KINDS if getattr(self, kind) is not None]
        if self.tags and named:
            raise RuleViolation(
                (named[0],),
                "workspaces are chosen by name or by tags, not both; remove "
                f"{' and '.join(named)} or tags",
            )
        if self.mesh is not None and self.mesh == self.policies:
            raise RuleViolation(
                ("policies",),
                f"{self.policies!a} is also the mesh stack's workspace; each stack needs "
                "its own workspace, or one apply would destroy the other's resources",
            )
        return self


class CloudBackend(MeshModel):
    """HCP Terraform or Terraform Enterprise (a ``cloud`` block): state, and
    by default the runs, in one workspace per stack."""

    type: Literal["cloud"] = Field(description="HCP Terraform / Terraform Enterprise.")
    organization: TfcName = Field(description="Organization that owns the workspaces.")
    hostname: Hostname = Field(
        default=DEFAULT_CLOUD_HOSTNAME,
        description=(
            "HCP Terraform or Terraform Enterprise host. The token comes from "
            "TF_TOKEN_<host, dots as underscores> or `terraform login`, never from here."
        ),
    )
    workspaces: CloudWorkspaces = Field(
        default_factory=CloudWorkspaces, description="Workspace per stack."
    )
    execution_mode: Literal["remote", "local"] = Field(
        default="remote",
        description=(
            "Where the workspaces run plans, as set on them in HCP Terraform (this only "
            "informs validation). remote (HCP Terraform's runners or agents) has no "
            "kubeconfig and no cloud CLIs, so connection.mode must be variables; local "
            "runs on the machine that calls cdktf and keeps only state in HCP Terraform."
        ),
    )


class S3Backend(MeshModel):
    """An S3 bucket, one object per stack, locked with an S3 lock file."""

    type: Literal["s3"] = Field(description="Amazon S3.")
    bucket: BucketName = Field(description="Existing bucket that holds the state.")
    region: AwsRegion = Field(description="The bucket's region.")
    key_prefix: KeyPrefix = Field(
        default=DEFAULT_KEY_PREFIX,
        description="Object key prefix; each stack's state is <keyPrefix>/<stack>.tfstate.",
    )
    encrypt: bool = Field(default=True, description="Server-side encryption of the state object.")
    kms_key_id: str | None = Field(
        default=None,
        description="ARN of a KMS key for the state object. Unset: the bucket's default encryption.",
    )
    use_lockfile: bool = Field(
        default=True,
        description="S3-native state locking (Terraform >= 1.10), no DynamoDB table needed.",
    )


class GcsBackend(MeshModel):
    """A Google Cloud Storage bucket, one prefix per stack (locked by GCS itself)."""

    type: Literal["gcs"] = Field(description="Google Cloud Storage.")
    bucket: BucketName = Field(description="Existing bucket that holds the state.")
    prefix: KeyPrefix = Field(
        default=DEFAULT_KEY_PREFIX,
        description="Object prefix; each stack's state is under <prefix>/<stack>/.",
    )


class AzurermBackend(MeshModel):
    """An Azure Storage blob container, one blob per stack (locked by blob lease)."""

    type: Literal["azurerm"] = Field(description="Azure Blob Storage.")
    storage_account_name: str = Field(description="Storage account that holds the container.")
    container_name: str = Field(description="Existing blob container.")
    resource_group_name: str | None = Field(
        default=None,
        description="Resource group of the storage account; only needed without Entra ID authentication.",
    )
    key_prefix: KeyPrefix = Field(
        default=DEFAULT_KEY_PREFIX,
        description="Blob name prefix; each stack's state is <keyPrefix>/<stack>.tfstate.",
    )
    use_azuread_auth: bool = Field(
        default=True,
        description="Authenticate to storage with Entra ID (Azure AD) instead of account keys.",
    )

    @model_validator(mode="after")
    def _names(self) -> AzurermBackend:
        if not re.fullmatch(r"[a-z0-9]{3,24}", self.storage_account_name, re.ASCII):
            raise RuleViolation(
                ("storageAccountName",),
                f"got {self.storage_account_name!a}; must be 3 to 24 lowercase letters and digits",
            )
        if not re.fullmatch(r"[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]", self.container_name, re.ASCII):
            raise RuleViolation(
                ("containerName",),
                f"got {self.container_name!a}; must be 3 to 63 lowercase letters, digits and "
                "single '-', starting and ending with a letter or digit",
            )
        return self


Backend = LocalBackend | CloudBackend | S3Backend | GcsBackend | AzurermBackend
BACKEND_TYPES = ("local", "cloud", "s3", "gcs", "azurerm")


def require_backend_type(value: object) -> object:
    """A ``backend:`` mapping must say its type: guessing one from the other
    keys could send state somewhere the user did not mean."""
    if isinstance(value, dict) and "type" not in value:
        allowed = ", ".join(repr(t) for t in BACKEND_TYPES)
        raise RuleViolation(("type",), f"required key is missing; allowed: {allowed}")
    return value


def workspace_name(backend: CloudBackend, kind: StackKind, name: str) -> str | None:
    """The workspace a stack is bound to by name, or None when chosen by tags."""
    if backend.workspaces.tags:
        return None
    explicit: str | None = getattr(backend.workspaces, kind)
    return explicit or name


def workspace_tags(backend: CloudBackend, name: str) -> tuple[str, ...]:
    """The configured tags plus the stack's own name, so the mesh and policies
    stacks never select the same workspaces."""
    return tuple(dict.fromkeys((*backend.workspaces.tags, name)))


def state_key(prefix: str, name: str) -> str:
    """Object key of a stack's state in a bucket: one object per stack."""
    return f"{prefix}/{name}.tfstate"


def state_location(backend: Backend, kind: StackKind, name: str) -> str:
    """Where a stack's state lives, as a readable string; two stacks with the
    same location would overwrite each other's state."""
    if isinstance(backend, CloudBackend):
        where = f"{backend.hostname}/{backend.organization}"
        workspace = workspace_name(backend, kind, name)
        if workspace is not None:
            return f"HCP Terraform workspace {where}/{workspace}"
        return f"HCP Terraform workspaces {where} tagged {', '.join(workspace_tags(backend, name))}"
    if isinstance(backend, S3Backend):
        return f"s3://{backend.bucket}/{state_key(backend.key_prefix, name)}"
    if isinstance(backend, GcsBackend):
        return f"gs://{backend.bucket}/{backend.prefix}/{name}"
    if isinstance(backend, AzurermBackend):
        return (
            f"azurerm {backend.storage_account_name}/{backend.container_name}/"
            f"{state_key(backend.key_prefix, name)}"
        )
    return f"local file terraform.{name}.tfstate"


def check_remote_runs(backend: Backend, connection_mode: str, command: str | None = None) -> None:
    """Refuse a connection that cannot work where the plans run.

    HCP Terraform's remote runs (its own runners, or agents) start from the
    uploaded configuration alone: there is no kubeconfig file
    (hashicorp/terraform-provider-helm#856) and no cloud CLI to run for a
    token (hashicorp/terraform-provider-kubernetes#2011). Only host, CA and
    token as sensitive workspace variables reach the cluster from there.
    """
    if not isinstance(backend, CloudBackend) or backend.execution_mode != "remote":
        return
    fix = (
        "use mode: variables and set kube_host, kube_cluster_ca_certificate and "
        "kube_token as sensitive workspace variables, or set backend.executionMode: local"
    )
    if connection_mode == "kubeconfig":
        raise RuleViolation(
            ("connection", "mode"),
            "'kubeconfig' cannot be used with backend.type 'cloud': HCP Terraform's remote "
            f"runs have no kubeconfig file (hashicorp/terraform-provider-helm#856); {fix}",
        )
    if connection_mode == "exec":
        raise RuleViolation(
            ("connection", "mode"),
            f"'exec' cannot be used with backend.type 'cloud': HCP Terraform's remote runs "
            f"cannot run {command!a} (hashicorp/terraform-provider-kubernetes#2011); {fix}",
        )

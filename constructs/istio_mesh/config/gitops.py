"""Where ``istio-mesh export argocd`` points the Applications it writes.

Only read by the GitOps export: the Terraform stacks ignore this section, so
a config installs the same mesh either way. Every field has a default, so a
config without ``gitops:`` exports too.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from istio_mesh.config.base import DnsLabel, MeshModel
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.url_credentials import refuse_cluster_credentials, refuse_credentials

IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
"""Argo CD's name for the cluster it runs in."""

# Printable ASCII only ([!-~], and [!-.0-~] without '/'): no spaces, no
# control characters, no look-alikes.
_HTTPS_URL = re.compile(r"\Ahttps://[!-.0-~]+(/[!-~]*)?\Z", re.ASCII)
_GIT_URL = re.compile(
    r"\A(https://[!-.0-~]+/[!-~]+|ssh://[!-~]+@[!-~]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[!-~]+)\Z",
    re.ASCII,
)
_GIT_REVISION = re.compile(r"[!-~]+", re.ASCII)
_REPO_PATH = re.compile(r"\A([A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*)?\Z", re.ASCII)


def _https_url(value: str) -> str:
    if not _HTTPS_URL.fullmatch(value):
        raise ValueError("must be an https:// URL of a Kubernetes API server, e.g. https://kubernetes.default.svc")
    return value


def _git_url(value: str) -> str:
    if not _GIT_URL.fullmatch(value):
        raise ValueError(
            "must be a Git repository URL Argo CD can clone: https://host/path, "
            "ssh://user@host/path or user@host:path"
        )
    return value


def _repo_path(value: str) -> str:
    if not _REPO_PATH.fullmatch(value) or ".." in value.split("/"):
        raise ValueError(
            "must be a relative folder of the repository, e.g. 'clusters/mesh' "
            "(letters, digits, '.', '_', '-' separated by '/'; no '..', no leading or trailing '/'); "
            "empty for its root"
        )
    return value


def _git_revision(value: str) -> str:
    if not _GIT_REVISION.fullmatch(value):
        raise ValueError("must be a branch, tag or commit: no spaces, not empty, e.g. 'HEAD' or 'main'")
    return value


def _git_credentials(value: str) -> str:
    return refuse_credentials(value, ssh_user=True)


# The credential check first: the format check's message echoes the value.
ServerUrl = Annotated[str, AfterValidator(refuse_cluster_credentials), AfterValidator(_https_url)]
GitUrl = Annotated[str, AfterValidator(_git_credentials), AfterValidator(_git_url)]
RepositoryPath = Annotated[str, AfterValidator(_repo_path)]
GitRevision = Annotated[str, AfterValidator(_git_revision)]


class GitopsDestination(MeshModel):
    """The cluster Argo CD installs the mesh into: by API server URL or by the
    name it is registered under in Argo CD, never both."""

    server: ServerUrl | None = Field(
        default=None,
        description=(
            "API server URL as registered in Argo CD. Unset together with name: "
            "https://kubernetes.default.svc (the cluster Argo CD runs in)."
        ),
    )
    name: DnsLabel | None = Field(
        default=None,
        description="Cluster name as registered in Argo CD (argocd cluster add --name). Unset: use server.",
    )

    @model_validator(mode="after")
    def _one_way_to_name_it(self) -> GitopsDestination:
        if self.server is not None and self.name is not None:
            raise RuleViolation(
                ("name",),
                f"{self.name!a} is set together with server {self.server!a}; "
                "an Argo CD destination takes one of them, set server or name",
            )
        return self

    def to_argocd(self, namespace: str) -> dict[str, str]:
        """The Application's ``spec.destination`` for objects in ``namespace``."""
        where = {"name": self.name} if self.name is not None else {"server": self.server or IN_CLUSTER_SERVER}
        return {**where, "namespace": namespace}


class GitopsRepository(MeshModel):
    """The Git repository the export's output directory is committed to.

    Helm charts come from Istio's chart repository, but the plain manifests
    (revision tags, the policies) and the Application that syncs the others in
    wave order can only come from Git.
    """

    url: GitUrl = Field(description="Repository URL as registered in Argo CD.")
    revision: GitRevision = Field(
        default="HEAD",
        description="Branch, tag or commit Argo CD syncs from.",
    )
    path: RepositoryPath = Field(
        default="",
        description=(
            "Folder of the repository holding the export's output directory (the contents of "
            "build/argocd/). Empty: the repository root."
        ),
    )


class GitopsSettings(MeshModel):
    """Argo CD settings for ``istio-mesh export argocd``; Terraform ignores them."""

    destination: GitopsDestination = Field(
        default_factory=GitopsDestination, description="Cluster the Applications install into."
    )
    project: DnsLabel = Field(default="default", description="Argo CD project of every Application.")
    namespace: DnsLabel = Field(
        default="argocd", description="Namespace Argo CD watches for Application objects."
    )
    repository: GitopsRepository | None = Field(
        default=None,
        description=(
            "Git repository of the export. Set: the export adds an Application per folder of "
            "plain manifests and a root Application that syncs every other one in wave order. "
            "Unset: those folders are written with their sync waves, to be applied another way."
        ),
    )

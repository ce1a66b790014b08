"""Production rules for the GitOps export: what Argo CD syncs from, and
which project's limits it syncs under.

The exported Applications sync automatically and prune what the repository
no longer holds, so whatever lands on the revision they follow is applied,
deletions included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.lint.rules import Finding, finding, production

_COMMIT = re.compile(r"[0-9a-f]{7,40}", re.ASCII)
_TAG = re.compile(r"(refs/tags/.+|v?[0-9]+(\.[0-9]+)+([-+][A-Za-z0-9.-]+)?)", re.ASCII)


def is_pinned(revision: str) -> bool:
    """A commit SHA or a release-shaped tag: something that does not move
    when someone pushes."""
    return bool(_COMMIT.fullmatch(revision) or _TAG.fullmatch(revision))


def moving_revision(config: MeshConfig) -> Iterator[Finding]:
    repository = config.gitops.repository
    if production(config) and repository is not None and not is_pinned(repository.revision):
        yield finding("prod-gitops-moving-revision", ("gitops", "repository", "revision"),
                      f"is {repository.revision!a}, a branch that moves: the exported "
                      f"Applications sync automatically with prune, so every push to it is "
                      f"applied to the production mesh, and what a bad commit removes is "
                      f"deleted from the cluster",
                      "pin a release tag or a commit SHA, and move it on purpose")


def default_project(config: MeshConfig) -> Iterator[Finding]:
    if production(config) and config.gitops.repository is not None and config.gitops.project == "default":
        yield finding("prod-gitops-default-project", ("gitops", "project"),
                      "is Argo CD's default project, which allows any repository and any "
                      "destination cluster and namespace: nothing limits what the mesh's "
                      "Applications (or anyone who can edit them) deploy",
                      "create an AppProject limited to this repository, cluster and the mesh's "
                      "namespaces, and name it in gitops.project")


GITOPS_CHECKS = (moving_revision, default_project)

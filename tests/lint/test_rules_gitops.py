"""GitOps export rules (a production mesh synced from a moving branch, or under
Argo CD's unrestricted default project), and the pinned-revision test they
use: each check is called on its own, on a config built from YAML, and must
report the exact finding for a dangerous config and none for the nearest safe
one."""

from __future__ import annotations

import pytest

from conftest import config_from
from istio_mesh.lint.rules import Check
from istio_mesh.lint.rules_gitops import GITOPS_CHECKS, default_project, is_pinned, moving_revision


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes for the YAML."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


def gitops(revision: str, project: str = "mesh", environment: str = "production") -> str:
    return (f"environment: {environment}\ngitops:\n  project: {project}\n"
            f"  repository: {{url: 'https://git.example.com/platform/mesh.git', revision: '{revision}'}}\n")


def test_both_gitops_rules_are_registered() -> None:
    assert GITOPS_CHECKS == (moving_revision, default_project)


# --- is_pinned ----------------------------------------------------------------------------

@pytest.mark.parametrize("revision", [
    "3f9c2ab", "3f9c2ab1d4e5f60718293a4b5c6d7e8f90a1b2c3", "v1.4.0", "1.4.0", "v1.4", "v1.4.0-rc.1",
    "refs/tags/release-7",
])
def test_a_commit_sha_or_a_release_tag_is_pinned(revision: str) -> None:
    assert is_pinned(revision) is True


@pytest.mark.parametrize("revision", [
    "main", "HEAD", "release-1.4", "v1", "3f9c2a", "3F9C2AB", "refs/heads/main", "v1.4.0 ",
])
def test_a_branch_a_short_or_upper_case_sha_or_a_bare_major_is_not_pinned(revision: str) -> None:
    assert is_pinned(revision) is False


# --- prod-gitops-moving-revision ----------------------------------------------------------

def test_a_production_mesh_synced_from_main_is_an_error_on_the_revision() -> None:
    [f] = moving_revision(config_from(gitops("main")))
    assert (f.rule, f.path, f.severity) == ("prod-gitops-moving-revision", "gitops.repository.revision", "error")
    assert f.message.startswith("is 'main', a branch that moves")


def test_a_production_mesh_synced_from_head_is_an_error() -> None:
    assert found(moving_revision, gitops("HEAD")) == [
        ("prod-gitops-moving-revision", "gitops.repository.revision", "error")]


def test_a_production_mesh_synced_from_a_release_tag_is_accepted() -> None:
    assert found(moving_revision, gitops("v1.4.0")) == []


def test_a_staging_mesh_synced_from_main_is_not_judged() -> None:
    assert found(moving_revision, gitops("main", environment="staging")) == []


def test_a_production_mesh_without_a_gitops_repository_has_no_revision_to_judge() -> None:
    assert found(moving_revision, "environment: production\n") == []


# --- prod-gitops-default-project ----------------------------------------------------------

def test_a_production_mesh_synced_under_the_default_project_is_a_warning() -> None:
    assert found(default_project, gitops("v1.4.0", project="default")) == [
        ("prod-gitops-default-project", "gitops.project", "warning")]


def test_a_production_mesh_synced_under_its_own_project_is_accepted() -> None:
    assert found(default_project, gitops("v1.4.0", project="mesh")) == []


def test_the_default_project_outside_production_is_not_judged() -> None:
    assert found(default_project, gitops("v1.4.0", project="default", environment="staging")) == []


def test_the_default_project_without_a_gitops_repository_exports_nothing() -> None:
    assert found(default_project, "environment: production\ngitops: {project: default}\n") == []

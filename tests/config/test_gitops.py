"""The ``gitops:`` section: defaults, and one exact message per mistake."""

from __future__ import annotations

import pytest

from conftest import config_from
from istio_mesh.config.errors import ConfigError


def test_defaults() -> None:
    gitops = config_from("{}").gitops
    assert (gitops.destination.server, gitops.destination.name) == (None, None)
    assert (gitops.project, gitops.namespace, gitops.repository) == ("default", "argocd", None)


def test_repository_defaults() -> None:
    repository = config_from("gitops: {repository: {url: 'https://git.example.com/mesh.git'}}").gitops.repository
    assert repository is not None
    assert (repository.revision, repository.path) == ("HEAD", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gitops: {destination: {server: 'https://a.example', name: prod}}",
         "gitops.destination.name: 'prod' is set together with server 'https://a.example'; "
         "an Argo CD destination takes one of them, set server or name"),
        ("gitops: {destination: {server: 'http://a.example'}}",
         "gitops.destination.server: got 'http://a.example'; must be an https:// URL of a "
         "Kubernetes API server, e.g. https://kubernetes.default.svc"),
        ("gitops: {project: Bad_Name}",
         "gitops.project: got 'Bad_Name'; must be a DNS-1123 label: lowercase letters, digits "
         "and '-', starting and ending with a letter or digit, at most 63 characters"),
        ("gitops: {repository: {path: x}}", "gitops.repository.url: required key is missing"),
        ("gitops: {repository: {url: 'ftp://x/y'}}",
         "gitops.repository.url: got 'ftp://x/y'; must be a Git repository URL Argo CD can clone: "
         "https://host/path, ssh://user@host/path or user@host:path"),
        ("gitops: {repository: {url: 'https://g.example/m.git', path: '../up'}}",
         "gitops.repository.path: got '../up'; must be a relative folder of the repository, e.g. "
         "'clusters/mesh' (letters, digits, '.', '_', '-' separated by '/'; no '..', no leading or "
         "trailing '/'); empty for its root"),
        ("gitops: {repository: {url: 'https://g.example/m.git', revision: 'a b'}}",
         "gitops.repository.revision: got 'a b'; must be a branch, tag or commit: no spaces, not "
         "empty, e.g. 'HEAD' or 'main'"),
        ("gitops: {repo: x}", "gitops.repo: unknown key; allowed keys: destination, namespace, project, repository"),
    ],
    ids=["server-and-name", "http-server", "project", "no-url", "url-scheme", "path-escapes",
         "revision-space", "unknown-key"],
)
def test_each_mistake_is_named(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        config_from(text)
    assert error.value.problems == (expected,)

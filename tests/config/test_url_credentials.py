"""Credentials never leave the config: a URL field carrying a user and
password, a token before '@' or a token-like query parameter is refused, and
no message prints the secret back."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import CONFIG_DIR, run_in_process
from istio_mesh.__main__ import main as istio_mesh_main
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import parse_config
from istio_mesh.config.names import shown

SECRET = "s3cr3tValue"


def _refusal(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "cluster.yaml")
    message = str(caught.value)
    assert SECRET not in message
    return message


def _gitops(server: str | None = None, url: str | None = None) -> str:
    lines = ["gitops:"]
    if server is not None:
        lines += ["  destination:", f"    server: '{server}'"]
    if url is not None:
        lines += ["  repository:", f"    url: '{url}'"]
    return "\n".join(lines) + "\n"


REFUSED = [
    # (config text, field path, what it carries, the fix it points to)
    (_gitops(server=f"https://admin:{SECRET}@k8s.example.com"), "gitops.destination.server",
     "a user and password", "argocd.argoproj.io/secret-type: cluster"),
    (_gitops(server=f"https://{SECRET}@k8s.example.com"), "gitops.destination.server",
     "a user name or token before '@'", "argocd cluster add"),
    (_gitops(server=f"https://k8s.example.com/?token={SECRET}"), "gitops.destination.server",
     "the query parameter 'token'", "secret-type: cluster"),
    (_gitops(url=f"https://git:{SECRET}@github.com/org/mesh.git"), "gitops.repository.url",
     "a user and password", "argocd.argoproj.io/secret-type: repository"),
    (_gitops(url=f"https://oauth2:{SECRET}@gitlab.example.com/org/mesh.git"), "gitops.repository.url",
     "a user and password", "repo-creds"),
    (_gitops(url=f"https://ghp_{SECRET}@github.com/org/mesh.git"), "gitops.repository.url",
     "a user name or token before '@'", "secret-type: repository"),
    (_gitops(url=f"https://github.com/org/mesh.git?access_token={SECRET}"), "gitops.repository.url",
     "the query parameter 'access_token'", "secret-type: repository"),
    (_gitops(url=f"https://gitlab.example.com/org/mesh.git?private_token={SECRET}&ref=main"),
     "gitops.repository.url", "the query parameter 'private_token'", "secret-type: repository"),
    (_gitops(url=f"ssh://git:{SECRET}@github.com/org/mesh.git"), "gitops.repository.url",
     "a user and password", "secret-type: repository"),
    (_gitops(url=f"git:{SECRET}@github.com:org/mesh.git"), "gitops.repository.url",
     "a user and password", "secret-type: repository"),
    (f"istio:\n  chartRepository: 'https://user:{SECRET}@charts.example.com/istio'\n",
     "istio.chartRepository", "a user and password", "secret-type: repository"),
    (f"istio:\n  chartRepository: 'oci://{SECRET}@registry.example.com/istio'\n",
     "istio.chartRepository", "a user name or token before '@'", "secret-type: repository"),
    ("istio:\n  chartRepository: 'https://bucket.s3.amazonaws.com/charts"
     f"?X-Amz-Credential=AKIA&X-Amz-Signature={SECRET}'\n",
     "istio.chartRepository", "the query parameter 'X-Amz-Credential'", "secret-type: repository"),
    (f"istio:\n  chartRepository: 'https://blob.example.com/charts?sv=2022&sig={SECRET}'\n",
     "istio.chartRepository", "the query parameter 'sig'", "secret-type: repository"),
    (f"istio:\n  hub: 'robot:{SECRET}@registry.example.com/istio'\n",
     "istio.hub", "a user and password", "imagePullSecrets"),
    (f"mesh:\n  tracing:\n    zipkinAddress: 'user:{SECRET}@zipkin.example.com:9411'\n",
     "mesh.tracing.zipkinAddress", "a user and password", "Kubernetes Secret"),
    ("ca:\n  mode: external\n"
     f"  address: 'https://csr:{SECRET}@istio-csr.cert-manager.svc:443'\n",
     "ca.address", "a user and password", "Kubernetes Secret"),
    ("mesh:\n  extensionProviders:\n    - name: otel\n      opentelemetry:\n"
     "        service: otel.observability.svc.cluster.local\n        port: 4318\n"
     f"        httpPath: '/v1/traces?api_key={SECRET}'\n",
     "mesh.extensionProviders[0].opentelemetry.httpPath", "the query parameter 'api_key'", "Kubernetes Secret"),
    ("mesh:\n  extensionProviders:\n    - name: zipkin\n      zipkin:\n"
     "        service: zipkin.observability.svc.cluster.local\n        port: 9411\n"
     f"        path: '/api/v2/spans?Authorization={SECRET}'\n",
     "mesh.extensionProviders[0].zipkin.path", "the query parameter 'Authorization'", "Kubernetes Secret"),
]


@pytest.mark.parametrize(("text", "field", "carries", "fix"), REFUSED)
def test_a_credential_in_a_url_field_is_refused_and_redacted(text: str, field: str, carries: str, fix: str) -> None:
    message = _refusal(text)
    (line,) = [line for line in message.splitlines() if field in line]
    assert line.startswith(f"cluster.yaml: {field}: got '"), line
    assert "***" in line and "(redacted)" in line
    assert f"carries {carries};" in line
    assert fix in line


@pytest.mark.parametrize(("text", "field"), [
    (_gitops(url="ssh://git@github.com/org/mesh.git"), "url"),
    (_gitops(url="git@github.com:org/mesh.git"), "url"),
    (_gitops(url="https://github.com/org/mesh.git"), "url"),
    (_gitops(server="https://k8s.example.com:6443"), "server"),
    ("istio:\n  chartRepository: 'https://charts.example.com/istio?ref=stable'\n", "chart"),
    ("istio:\n  chartRepository: 'oci://registry.example.com/istio'\n", "chart"),
    ("mesh:\n  tracing:\n    zipkinAddress: 'zipkin.istio-system:9411'\n", "zipkin"),
])
def test_plain_urls_and_ssh_user_names_pass(text: str, field: str) -> None:
    assert parse_config(text, "cluster.yaml") is not None


def test_every_echoed_value_is_redacted() -> None:
    # The format check of a field that is not a URL would echo what it got.
    assert shown(f"https://u:{SECRET}@h/x") == "'https://***@h/x'"
    assert shown(f"u:{SECRET}@h:9411") == "'***@h:9411'"
    assert shown(f"/p?ref=main&token={SECRET}") == "'/p?ref=main&token=***'"
    assert shown("https://example.com/?ref=main") == "'https://example.com/?ref=main'"
    assert shown({"url": f"https://{SECRET}@h"}) == "{'url': 'https://***@h'}"


def test_the_export_refuses_and_prints_no_credential(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    shutil.copy(CONFIG_DIR / "dev.yaml", tmp_path / "config" / "dev.yaml")
    env = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
    assert run_in_process(istio_mesh_main, ["export", "argocd"], cwd=tmp_path, env=env).returncode == 0
    before = {p: p.read_bytes() for p in (tmp_path / "build").rglob("*") if p.is_file()}
    (tmp_path / "config" / "dev.yaml").write_text(
        (CONFIG_DIR / "dev.yaml").read_text()
        + _gitops(url=f"https://deploy:{SECRET}@github.com/org/mesh.git")
    )
    result = run_in_process(istio_mesh_main, ["export", "argocd"], cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert SECRET not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "config/dev.yaml: gitops.repository.url: got 'https://***@github.com/org/mesh.git'" in result.stderr
    assert {p: p.read_bytes() for p in (tmp_path / "build").rglob("*") if p.is_file()} == before

"""Provider credentials: a kubeconfig path, sensitive Terraform variables, or
an exec credential command.

No credential is ever a literal in the synthesized JSON: the kubeconfig is
read by the provider at run time, host, CA and token are variable
references whose values come from TF_VAR_* or workspace variables, and an
exec command fetches a short-lived token on each run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from istio_mesh.config.credentials import EXEC_VARIABLE_NAMES, ExecConnection
from istio_mesh.config.connection import Connection, KubeconfigConnection
from istio_mesh.runtime.provider_dialect import require_provider_version
from istio_mesh.runtime.terraform import (
    Construct,
    HelmProvider,
    HelmProviderKubernetes,
    HelmProviderKubernetesExec,
    KubernetesProvider,
    KubernetesProviderExec,
    TerraformProvider,
    TerraformVariable,
)

VARIABLE_NAMES = ("kube_host", "kube_cluster_ca_certificate", "kube_token")

_DESCRIPTIONS = {
    "kube_host": "Kubernetes API server URL, e.g. https://1.2.3.4.",
    "kube_cluster_ca_certificate": "PEM CA certificate of the API server.",
    "kube_token": "Bearer token of the identity Terraform acts as.",
}


@dataclass(frozen=True)
class ExecCredential:
    """The ``exec`` block both providers take: a command that prints a token."""

    api_version: str
    command: str
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClusterAccess:
    """Settings shared by the helm provider's ``kubernetes`` attribute and the
    kubernetes provider: a kubeconfig, or variable references (and maybe a
    credential command)."""

    config_path: str | None = None
    config_context: str | None = None
    host: str | None = None
    cluster_ca_certificate: str | None = None
    token: str | None = None
    exec: ExecCredential | None = None


def cluster_access(scope: Construct, connection: Connection) -> ClusterAccess:
    """Declare what the connection needs in ``scope`` (a stack) and return the settings."""
    if isinstance(connection, KubeconfigConnection):
        return ClusterAccess(
            config_path=connection.kubeconfig_path, config_context=connection.context
        )
    names = EXEC_VARIABLE_NAMES if isinstance(connection, ExecConnection) else VARIABLE_NAMES
    variables = {
        name: TerraformVariable(
            scope, name, type="string", sensitive=True, nullable=False,
            description=_DESCRIPTIONS[name],
        )
        for name in names
    }
    exec_credential = None
    if isinstance(connection, ExecConnection):
        exec_credential = ExecCredential(
            api_version=connection.api_version,
            command=connection.command,
            args=connection.args,
            env=dict(connection.env),
        )
    return ClusterAccess(
        host=variables["kube_host"].string_value,
        cluster_ca_certificate=variables["kube_cluster_ca_certificate"].string_value,
        token=variables["kube_token"].string_value if "kube_token" in variables else None,
        exec=exec_credential,
    )


class _Credentials(TypedDict):
    """The connection arguments both providers spell the same way."""

    config_path: str | None
    config_context: str | None
    host: str | None
    cluster_ca_certificate: str | None
    token: str | None


def _credentials(access: ClusterAccess) -> _Credentials:
    return {
        "config_path": access.config_path,
        "config_context": access.config_context,
        "host": access.host,
        "cluster_ca_certificate": access.cluster_ca_certificate,
        "token": access.token,
    }


def _keep_env_as_written(provider: TerraformProvider, path: str, access: ClusterAccess) -> None:
    """cdktf 0.21 rewrites the keys of a provider's maps in snake_case
    (AWS_PROFILE -> aws_profile); an override at ``path`` keeps them as written."""
    if access.exec is not None and access.exec.env:
        provider.add_override(path, access.exec.env)


def helm_provider(scope: Construct, access: ClusterAccess) -> HelmProvider:
    """The stack's helm provider, reaching the cluster as ``access`` says."""
    credential = access.exec
    provider = HelmProvider(
        scope,
        "helm",
        kubernetes=HelmProviderKubernetes(
            **_credentials(access),
            exec=HelmProviderKubernetesExec(
                api_version=credential.api_version,
                command=credential.command,
                args=list(credential.args) or None,
            )
            if credential
            else None,
        ),
    )
    require_provider_version(provider, "helm")
    _keep_env_as_written(provider, "kubernetes.exec.env", access)
    return provider


def kubernetes_provider(scope: Construct, access: ClusterAccess) -> KubernetesProvider:
    """The stack's kubernetes provider, reaching the cluster as ``access`` says."""
    credential = access.exec
    provider = KubernetesProvider(
        scope,
        "kubernetes",
        **_credentials(access),
        exec=[
            KubernetesProviderExec(
                api_version=credential.api_version,
                command=credential.command,
                args=list(credential.args) or None,
            )
        ]
        if credential
        else None,
    )
    require_provider_version(provider, "kubernetes")
    _keep_env_as_written(provider, "exec.0.env", access)
    return provider

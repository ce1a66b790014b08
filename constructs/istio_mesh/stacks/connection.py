"""Provider credentials: a kubeconfig path, sensitive Terraform variables, or
an exec credential command.

No credential is ever a literal in the synthesized JSON: the kubeconfig is
read by the provider at run time, host, CA and token are variable
references whose values come from TF_VAR_* or workspace variables, and an
exec command fetches a short-lived token on each run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from istio_mesh.config.credentials import EXEC_VARIABLE_NAMES, ExecConnection
from istio_mesh.config.models import Connection, KubeconfigConnection
from istio_mesh.provider_dialect import require_provider_version
from istio_mesh.terraform import (
    Construct,
    KubernetesProvider,
    KubernetesProviderExec,
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


def kubernetes_provider(scope: Construct, access: ClusterAccess) -> KubernetesProvider:
    """The stack's kubernetes provider, reaching the cluster as ``access`` says."""
    exec_credential = access.exec
    provider = KubernetesProvider(
        scope,
        "kubernetes",
        config_path=access.config_path,
        config_context=access.config_context,
        host=access.host,
        cluster_ca_certificate=access.cluster_ca_certificate,
        token=access.token,
        exec=[
            KubernetesProviderExec(
                api_version=exec_credential.api_version,
                command=exec_credential.command,
                args=list(exec_credential.args) or None,
            )
        ]
        if exec_credential
        else None,
    )
    require_provider_version(provider, "kubernetes")
    if exec_credential and exec_credential.env:
        # cdktf 0.21 rewrites the keys of a provider's maps in snake_case
        # (AWS_PROFILE -> aws_profile); an override keeps them as written.
        provider.add_override("exec.0.env", exec_credential.env)
    return provider

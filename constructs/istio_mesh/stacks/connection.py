"""Provider credentials: a kubeconfig path, or sensitive Terraform variables.

No credential is ever a literal in the synthesized JSON: the kubeconfig is
read by the provider at run time, and host, CA and token are variable
references whose values come from TF_VAR_* or workspace variables.
"""

from __future__ import annotations

from dataclasses import dataclass

from istio_mesh.config.models import Connection, KubeconfigConnection
from istio_mesh.terraform import Construct, TerraformVariable

VARIABLE_NAMES = ("kube_host", "kube_cluster_ca_certificate", "kube_token")


@dataclass(frozen=True)
class ClusterAccess:
    """Settings shared by the helm provider's ``kubernetes`` attribute and the
    kubernetes provider: either a kubeconfig, or variable references."""

    config_path: str | None = None
    config_context: str | None = None
    host: str | None = None
    cluster_ca_certificate: str | None = None
    token: str | None = None


def cluster_access(scope: Construct, connection: Connection) -> ClusterAccess:
    """Declare what the connection needs in ``scope`` (a stack) and return the settings."""
    if isinstance(connection, KubeconfigConnection):
        return ClusterAccess(
            config_path=connection.kubeconfig_path, config_context=connection.context
        )
    descriptions = {
        "kube_host": "Kubernetes API server URL, e.g. https://1.2.3.4.",
        "kube_cluster_ca_certificate": "PEM CA certificate of the API server.",
        "kube_token": "Bearer token of the identity Terraform acts as.",
    }
    variables = {
        name: TerraformVariable(
            scope, name, type="string", sensitive=True, nullable=False,
            description=descriptions[name],
        )
        for name in VARIABLE_NAMES
    }
    return ClusterAccess(
        host=variables["kube_host"].string_value,
        cluster_ca_certificate=variables["kube_cluster_ca_certificate"].string_value,
        token=variables["kube_token"].string_value,
    )


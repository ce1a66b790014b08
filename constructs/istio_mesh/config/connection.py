"""How Terraform reaches the cluster: a kubeconfig file, sensitive Terraform
variables, or an exec credential plugin."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from istio_mesh.config import names
from istio_mesh.config.base import MeshModel
from istio_mesh.config.credentials import ExecConnection


class KubeconfigConnection(MeshModel):
    """Reach the cluster with a kubeconfig file on the machine that runs Terraform."""

    mode: Literal["kubeconfig"] = Field(
        default="kubeconfig", description="Use a kubeconfig file."
    )
    kubeconfig_path: Annotated[str, AfterValidator(names.printable)] = Field(
        default="~/.kube/config", description="Path to the kubeconfig file."
    )
    context: Annotated[str, AfterValidator(names.printable)] | None = Field(
        default=None,
        description="Kubeconfig context. Unset: the file's current-context.",
    )


class VariablesConnection(MeshModel):
    """Reach the cluster with host, CA and token from sensitive Terraform variables.

    For runs with no kubeconfig (CI runners, Terraform Cloud). The values never
    pass through this config or the synthesized JSON: each stack declares the
    variables ``kube_host``, ``kube_cluster_ca_certificate`` and ``kube_token``,
    all sensitive, to be set as TF_VAR_* or workspace variables.
    """

    mode: Literal["variables"] = Field(description="Use Terraform variables.")


Connection = KubeconfigConnection | VariablesConnection | ExecConnection


def kubeconfig_unless_told(value: object) -> object:
    # `connection: {context: prod}` should not need `mode: kubeconfig` spelled out.
    if isinstance(value, dict) and "mode" not in value:
        return {"mode": "kubeconfig", **value}
    return value

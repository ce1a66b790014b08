"""Short-lived cluster tokens from a command, for runs on a machine you control.

Managed clusters hand out tokens that expire in minutes (EKS: 15); a token in
a variable would be stale by the next plan. The providers can run a
client-go exec credential plugin (``aws eks get-token``,
``gke-gcloud-auth-plugin``, ``kubelogin``) for each run instead. The command
inherits the environment of the process that runs Terraform, so secrets stay
there; ``env`` is for non-secret settings such as a profile name, and names
that look like credentials are refused.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from istio_mesh.config.base import MeshModel
from istio_mesh.config.errors import RuleViolation

EXEC_VARIABLE_NAMES = ("kube_host", "kube_cluster_ca_certificate")
"""Variables an exec connection declares; the token comes from the command."""

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_CREDENTIAL_NAME = re.compile(
    r"SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|ACCESS_KEY|PRIVATE_KEY|CLIENT_KEY", re.I | re.ASCII
)


class ExecConnection(MeshModel):
    """Reach the cluster with host and CA from sensitive Terraform variables
    and a token from a command run on the machine that runs Terraform.

    For local and CI runs only: HCP Terraform's remote runs cannot run it.
    """

    mode: Literal["exec"] = Field(description="Use a credential command (exec plugin).")
    api_version: Literal[
        "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"
    ] = Field(
        default="client.authentication.k8s.io/v1beta1",
        description="ExecCredential version the command prints ('aws eks get-token' prints v1beta1).",
    )
    command: str = Field(
        description="Executable to run, e.g. 'aws', 'gke-gcloud-auth-plugin' or 'kubelogin'.",
    )
    args: tuple[str, ...] = Field(
        default=(),
        description="Its arguments, e.g. [eks, get-token, --cluster-name, prod].",
    )
    env: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Extra non-secret environment for the command, e.g. AWS_PROFILE. Secrets stay in "
            "the environment that runs Terraform, which the command inherits."
        ),
    )

    @field_validator("command")
    @classmethod
    def _one_executable(cls, value: str) -> str:
        if not value or any(c.isspace() for c in value):
            raise ValueError(
                "must be one executable name or path, without spaces; put its arguments in args"
            )
        return value

    @field_validator("env")
    @classmethod
    def _no_secrets(cls, env: dict[str, str]) -> dict[str, str]:
        for name in env:
            if not _ENV_NAME.fullmatch(name):
                raise RuleViolation(
                    (name,), "is not an environment variable name (letters, digits and '_')"
                )
            if _CREDENTIAL_NAME.search(name):
                raise RuleViolation(
                    (name,),
                    "looks like a credential, and the config never holds one; export it where "
                    "Terraform runs (the command inherits that environment)",
                )
        return env

"""A secret written from ephemeral variables: :class:`WriteOnlySecret`."""

from __future__ import annotations

from collections.abc import Sequence

from istio_mesh.components.upstream import remember_address
from istio_mesh.plan.items import SecretItem
from istio_mesh.runtime.terraform import (
    Construct,
    ITerraformDependable,
    SecretV1,
    SecretV1Metadata,
    TerraformProvider,
    TerraformVariable,
)


class WriteOnlySecret(Construct):
    """A ``kubernetes_secret_v1`` whose data goes to the write-only ``data_wo``,
    built by Terraform from ephemeral, sensitive variables: the values are
    neither in the synthesized JSON nor in the plan or state (Terraform >=
    1.11). Terraform cannot see a changed write-only value, so new values
    need a higher revision (the item's ``revision``).

    Keyword arguments:
        secret: the plan item (required): the Secret, its data expressions
            and the variables they read.
        after: the upstream resources it waits for (the one creating its
            namespace). Default: none.
        provider: an aliased Kubernetes provider. Default: the stack's
            default one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        secret: SecretItem,
        after: Sequence[ITerraformDependable] = (),
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.item = secret
        self.variables: dict[str, TerraformVariable] = {}
        for spec in secret.variables:
            variable = TerraformVariable(
                self, spec.name, type="string", sensitive=True, nullable=False,
                description=spec.description,
            )
            variable.override_logical_id(spec.name)
            # cdktf 0.21 predates ephemeral variables (Terraform 1.10); write it raw.
            variable.add_override("ephemeral", True)
            if spec.validation is not None:
                variable.add_override("validation", [dict(spec.validation)])
            self.variables[spec.name] = variable
        self.secret = SecretV1(
            self,
            "secret",
            metadata=SecretV1Metadata(
                name=secret.secret_name,
                namespace=secret.namespace,
                labels=dict(secret.labels) or None,
                annotations=dict(secret.annotations) or None,
            ),
            type="Opaque",
            data_wo=dict(secret.data),
            data_wo_revision=secret.revision,
            depends_on=list(after) or None,
            provider=provider,
        )
        self.secret.override_logical_id(secret.name)
        remember_address(self.secret, secret.address)

    @property
    def resource(self) -> SecretV1:
        """What downstream objects wait for."""
        return self.secret

"""Guards against taking the mesh down by accident."""

from __future__ import annotations

from pydantic import Field

from istio_mesh.config.base import MeshModel


class ProtectionSettings(MeshModel):
    """What Terraform must refuse to do to this mesh."""

    prevent_destroy: bool = Field(
        default=False,
        description=(
            "Terraform refuses any plan that would destroy the istio-base release (a destroy "
            "of the mesh stack, or a change that replaces the release) and any destroy of the "
            "policies stack (created namespaces, mTLS policy). Turn off, deploy, then destroy "
            "to remove the mesh on purpose. For production clusters."
        ),
    )

"""The mesh stack's Terraform outputs (values from :mod:`istio_mesh.outputs`)."""

from __future__ import annotations

from istio_mesh.components.mesh import IstioMesh
from istio_mesh.outputs import mesh_outputs
from istio_mesh.terraform import Construct, TerraformOutput


class MeshOutputs(Construct):
    """One output per :func:`istio_mesh.outputs.mesh_outputs` entry, named
    exactly so (``static_id``): consumers address them by name.

    Each output depends on every release of the mesh, so a consumer reading
    remote state never sees a gateway that failed to install.
    """

    def __init__(self, scope: Construct, construct_id: str, *, mesh: IstioMesh) -> None:
        super().__init__(scope, construct_id)
        # cdktf writes an output's depends_on as "${helm_release.x}", which
        # Terraform rejects ("A single static variable reference is
        # required", hashicorp/terraform-cdk#2334); an override writes the
        # plain addresses instead.
        addresses = [
            f"{release.terraform_resource_type}.{release.friendly_unique_id}"
            for release in mesh.releases
        ]
        self.outputs = []
        for output in mesh_outputs(mesh.config):
            resource = TerraformOutput(
                self, output.name, value=output.value, description=output.description,
                static_id=True,
            )
            resource.add_override("depends_on", addresses)
            self.outputs.append(resource)

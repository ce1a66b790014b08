"""The mesh stack's Terraform outputs (values from :mod:`istio_mesh.plan.outputs`)."""

from __future__ import annotations

from collections.abc import Sequence

from istio_mesh.plan.items import HelmReleaseItem
from istio_mesh.plan.outputs import MeshOutput
from istio_mesh.runtime.terraform import Construct, TerraformOutput


class MeshOutputs(Construct):
    """One output per :func:`istio_mesh.plan.mesh_outputs` entry, named
    exactly so (``static_id``): consumers address them by name.

    Each output depends on every release of the mesh, so a consumer reading
    remote state never sees a gateway that failed to install.

    Keyword arguments:
        outputs: the plan's outputs (``ClusterPlan.outputs``) (required).
        releases: the mesh plan's releases, which every output waits for
            (required).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        outputs: Sequence[MeshOutput],
        releases: Sequence[HelmReleaseItem],
    ) -> None:
        super().__init__(scope, construct_id)
        # cdktf writes an output's depends_on as "${helm_release.x}", which
        # Terraform rejects ("A single static variable reference is
        # required", hashicorp/terraform-cdk#2334); an override writes the
        # plain addresses instead.
        addresses = [release.address for release in releases]
        self.outputs: list[TerraformOutput] = []
        for output in outputs:
            resource = TerraformOutput(
                self, output.name, value=output.value, description=output.description,
                static_id=True,
            )
            resource.add_override("depends_on", addresses)
            self.outputs.append(resource)

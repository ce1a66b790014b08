"""A stack that Terraform refuses to destroy."""

from __future__ import annotations

from istio_mesh.runtime.terraform import Construct, TerraformResource, TerraformResourceLifecycle


class DestroyProtection(Construct):
    """A builtin ``terraform_data`` with ``prevent_destroy``: any plan that
    destroys the stack holding it fails before it changes anything.

    For the policies stack, which holds the namespaces created with
    ``create: true`` (and every workload in them) and the mesh-wide mTLS
    policy: cdktf destroys it before the mesh stack, so the ``prevent_destroy``
    of the base release alone would stop a destroy only after these were gone.
    Removing the construct (protection off) lifts the refusal with it.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.resource = TerraformResource(
            self,
            "sentinel",
            terraform_resource_type="terraform_data",
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        self.resource.add_override("input", "protection.preventDestroy")
        self.resource.override_logical_id("destroy-protection")

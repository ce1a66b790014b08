"""Where each stack keeps its Terraform state."""

from __future__ import annotations

from istio_mesh.terraform import LocalBackend, TerraformStack


def local_state(stack: TerraformStack, stack_name: str) -> None:
    """State beside cdktf.json, as cdktf's default does, but by a relative path.

    cdktf's default writes the absolute path of the machine that synthesized,
    which makes the output differ between checkouts. The backend path is
    resolved from the stack's working directory, cdktf.out/stacks/<name>/.
    """
    LocalBackend(stack, path=f"../../../terraform.{stack_name}.tfstate")

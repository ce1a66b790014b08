"""Where each stack keeps its Terraform state, and how it reads its own back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from istio_mesh.terraform import DataTerraformRemoteStateLocal, LocalBackend, TerraformStack

PREVIOUS_STATE = "previous_state"
"""Address of the data source that reads a stack's own last state."""


def _state_path(stack_name: str) -> str:
    # Resolved from the stack's working directory, cdktf.out/stacks/<name>/.
    return f"../../../terraform.{stack_name}.tfstate"


def local_state(stack: TerraformStack, stack_name: str) -> None:
    """State beside cdktf.json, as cdktf's default does, but by a relative path.

    cdktf's default writes the absolute path of the machine that synthesized,
    which makes the output differ between checkouts.
    """
    LocalBackend(stack, path=_state_path(stack_name))


@dataclass(frozen=True)
class PreviousOutputs:
    """The outputs a stack's last apply left in its own state, as expressions."""

    address: str

    def get(self, output: str) -> str:
        """An HCL expression (without ``${}``) for ``output``: its value at the
        last apply, or ``null`` before the first apply."""
        return f"one({self.address}[*].outputs.{output})"


def previous_outputs(
    stack: TerraformStack, stack_name: str, defaults: dict[str, Any]
) -> PreviousOutputs:
    """Read the stack's own last state back, so a plan can compare with it.

    Goes through ``terraform_remote_state`` on the backend of
    :func:`local_state` (the two must change together). Before the first
    apply there is nothing to read: the local backend has no state file, or
    an empty one that the running plan created to lock it, and
    ``terraform_remote_state`` fails on both, so the data source is read only
    when the file holds a state (``count``). ``defaults`` stand in for outputs
    that a state written by an older version of the stack lacks.
    """
    path = _state_path(stack_name)
    previous = DataTerraformRemoteStateLocal(stack, "previous-state", path=path, defaults=defaults)
    previous.override_logical_id(PREVIOUS_STATE)
    previous.add_override(
        "count", f'${{fileexists("{path}") ? (length(trimspace(file("{path}"))) > 0 ? 1 : 0) : 0}}'
    )
    return PreviousOutputs(f"data.terraform_remote_state.{PREVIOUS_STATE}")

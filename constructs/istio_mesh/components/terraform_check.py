"""Terraform ``check`` blocks, which cdktf and CDK Terrain have no construct for.

A check block (Terraform >= 1.5) holds at most one scoped data source and
one or more assertions. Terraform evaluates it at the end of every plan and
apply and reports a failed assertion as a warning, never an error, so a
check cannot block a deploy; ``terraform test`` fails on it. The block is
written into the stack's JSON as an override, in Terraform's JSON syntax
(``check.<name>.data.<type>.<name>`` and ``check.<name>.assert``), which
both toolchains pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from istio_mesh.components.errors import ConstructError
from istio_mesh.runtime.terraform import Construct, TerraformStack


@dataclass(frozen=True)
class Assertion:
    """One ``assert`` block: an HCL condition and the message shown when it is false."""

    condition: str
    error_message: str


@dataclass(frozen=True)
class ScopedData:
    """The check's own data source, readable only inside the check."""

    type: str
    name: str
    arguments: Mapping[str, Any]
    depends_on: Sequence[str] = field(default_factory=tuple)
    """Addresses read first: during an apply, the data is read once they are
    applied, so the check judges the result; during a plan in which they
    change, the check's result is "known after apply"."""


class TerraformCheck(Construct):
    """One ``check "<name>"`` block of the enclosing stack.

    Keyword arguments:
        name: the block's name, unique in the stack (required).
        assertions: its ``assert`` blocks (required, at least one: Terraform
            refuses a check without).
        data: the check's scoped data source. Default: none, for assertions
            over values the stack has anyway.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        assertions: Sequence[Assertion],
        data: ScopedData | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if not assertions:
            raise ConstructError(f"check {name!r}: Terraform needs at least one assert block", self)
        self.name = name
        self.block: dict[str, Any] = {}
        if data is not None:
            body = dict(data.arguments)
            if data.depends_on:
                body["depends_on"] = list(data.depends_on)
            self.block["data"] = {data.type: {data.name: body}}
        self.block["assert"] = [
            {"condition": a.condition, "error_message": a.error_message} for a in assertions
        ]
        TerraformStack.of(self).add_override(f"check.{name}", self.block)

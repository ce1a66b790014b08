"""Argo CD sync waves from the plan's dependency order.

An item's wave is its depth in the plan's graph: 0 for an item after
nothing, else one more than the deepest item it comes after. Every item is
then in a later wave than everything it waits for, the same order Terraform
follows through ``depends_on``, and items that Terraform would create in
parallel share a wave. Items the export leaves out (the secrets) still count,
so istiod stays a wave after the plug-in CA's secret it needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol


class Ordered(Protocol):
    """A plan item: its Terraform address and those it comes after."""

    @property
    def address(self) -> str: ...

    @property
    def after(self) -> tuple[str, ...]: ...


def sync_waves(items: Iterable[Ordered]) -> dict[str, int]:
    """Address -> wave for every item. ``items`` in creation order (the
    plan's), so each item's upstream is already placed; an ``after`` naming
    an address not among the items, or a later one, is a plan bug."""
    waves: dict[str, int] = {}
    for item in items:
        missing = [address for address in item.after if address not in waves]
        if missing:
            raise ValueError(f"{item.address} comes after {', '.join(missing)}, not planned before it")
        waves[item.address] = 1 + max((waves[address] for address in item.after), default=-1)
    return waves


def last_wave(waves: Mapping[str, int]) -> int:
    """The highest wave (-1 when there is nothing)."""
    return max(waves.values(), default=-1)

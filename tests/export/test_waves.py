"""Sync waves: the longest path to each item over ``after``."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from istio_mesh.export.waves import last_wave, sync_waves


@dataclass(frozen=True)
class Node:
    address: str
    after: tuple[str, ...] = ()


def test_a_wave_is_one_more_than_the_deepest_upstream() -> None:
    # a -> b -> c, and d after a and c: d waits for the longer path.
    items = [Node("a"), Node("b", ("a",)), Node("c", ("b",)), Node("d", ("a", "c"))]
    assert sync_waves(items) == {"a": 0, "b": 1, "c": 2, "d": 3}


def test_independent_items_share_a_wave() -> None:
    items = [Node("base"), Node("gw1", ("base",)), Node("gw2", ("base",)), Node("other")]
    assert sync_waves(items) == {"base": 0, "gw1": 1, "gw2": 1, "other": 0}


def test_an_upstream_not_planned_before_is_refused() -> None:
    with pytest.raises(ValueError, match="b comes after a, not planned before it"):
        sync_waves([Node("b", ("a",)), Node("a")])


def test_last_wave() -> None:
    assert last_wave({"a": 0, "b": 4}) == 4
    assert last_wave({}) == -1

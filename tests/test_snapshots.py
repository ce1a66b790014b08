"""A reviewed snapshot of every synthesized stack of every shipped config.

Update with ``pipenv run pytest tests/test_snapshots.py --snapshot-update`` and
read the diff: it is exactly what a deploy would change. Helm values are
decoded from their JSON text so that the diff shows the value that changed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from conftest import SNAPSHOTTED, Synth


def _reviewable(stack: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(stack))
    for release in out.get("resource", {}).get("helm_release", {}).values():
        release["values"] = [json.loads(text) for text in release["values"]]
    return out


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("stack", [f"{n}-{k}" for n in SNAPSHOTTED for k in ("mesh", "policies")])
def test_stack_snapshot(synth: Synth, snapshot_json: SnapshotAssertion, stack: str) -> None:
    assert _reviewable(synth.stack(stack)) == snapshot_json


def test_manifest_snapshot(synth: Synth, snapshot_json: SnapshotAssertion) -> None:
    stacks = synth.manifest()["stacks"]
    assert {n: s["dependencies"] for n, s in stacks.items() if n.rsplit("-", 1)[0] in SNAPSHOTTED} == snapshot_json

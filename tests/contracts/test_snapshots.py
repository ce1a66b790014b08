"""A reviewed snapshot of every distinct synthesized stack of every shipped config.

Update with ``pipenv run pytest tests/contracts/test_snapshots.py --snapshot-update`` and
read the diff: it is exactly what a deploy would change. Helm values are
decoded from their JSON text so that the diff shows the value that changed,
and cdktf's ``//`` metadata (construct paths, tool versions; Terraform
ignores it) is left out, so a cdktf or cdktn upgrade does not rewrite every
snapshot and hide the change that matters. A stack whose output repeats
another's but for its name is held equal to that one instead of being
snapshotted twice.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from conftest import SNAPSHOTTED, Synth, without_metadata


STACKS = [f"{n}-{k}" for n in SNAPSHOTTED for k in ("mesh", "policies")]

SAME_AS = {
    # The runbook steps that change only the other stack.
    "upgrade-step-1-policies": "upgrade-step-0-policies",
    "upgrade-step-2-policies": "upgrade-step-0-policies",
    "upgrade-step-3-mesh": "upgrade-step-2-mesh",
    "upgrade-step-4-policies": "upgrade-step-3-policies",
    "upgrade-step-5-policies": "upgrade-step-3-policies",
}
"""Stack -> the snapshotted stack whose output it repeats, but for its name."""


def _reviewable(stack: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = without_metadata(stack)
    for release in out.get("resource", {}).get("helm_release", {}).values():
        release["values"] = [json.loads(text) for text in release["values"]]
    return out


def _nameless(synth: Synth, stack: str) -> str:
    return json.dumps(without_metadata(synth.stack(stack))).replace(stack, "<stack>")


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("stack", [s for s in STACKS if s not in SAME_AS])
def test_stack_snapshot(synth: Synth, snapshot_json: SnapshotAssertion, stack: str) -> None:
    assert _reviewable(synth.stack(stack)) == snapshot_json


@pytest.mark.parametrize(("stack", "twin"), sorted(SAME_AS.items()))
def test_a_repeated_stack_equals_its_snapshotted_twin(synth: Synth, stack: str, twin: str) -> None:
    assert _nameless(synth, stack) == _nameless(synth, twin)


def test_every_snapshot_is_a_distinct_output(synth: Synth) -> None:
    # Keeps SAME_AS complete: two snapshots of one output would hide nothing
    # but double every review.
    by_output: dict[str, list[str]] = {}
    for stack in STACKS:
        if stack not in SAME_AS:
            by_output.setdefault(_nameless(synth, stack), []).append(stack)
    assert [names for names in by_output.values() if len(names) > 1] == []


def test_manifest_snapshot(synth: Synth, snapshot_json: SnapshotAssertion) -> None:
    stacks = synth.manifest()["stacks"]
    assert {n: s["dependencies"] for n, s in stacks.items() if n.rsplit("-", 1)[0] in SNAPSHOTTED} == snapshot_json

"""Istio's upgrade notes that apply to one config's move between versions.

The table (``data/upgrade-notes.json``) holds the notes of Istio's upgrade
notes and change notes between the versions the project supports, each with
the page it comes from, the minor version that brings it and a condition on
the config (``when``). A move is from the oldest Istio minor an old config
runs (any revision, or base/CNI/ztunnel's ``istio.version``) to the newest
the new config runs; a note applies when its minor is in that range (after
the start, up to the end) and its condition holds for the new config. One
config on its own moves when it runs two minors side by side (a canary:
two revisions), which is how every step of the canary runbook shows the
notes of its upgrade.

"Names Kiali": the word ``kiali`` appears, as a key or a value, anywhere in
the config (a namespace, a service account in an authorization rule, an
extension provider, an observability section), since the config has no
field of its own for it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.gateway_api import installs_gateway_api_crds
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.versions import parse_version

NOTES_PATH = Path(__file__).resolve().parent / "data" / "upgrade-notes.json"

Minor = tuple[int, int]

ISTIO_HOSTED_CHARTS = "istio-release.storage.googleapis.com"
ISTIO_HOSTED_IMAGES = ("gcr.io/istio-release", "registry.istio.io")


@dataclass(frozen=True)
class UpgradeNote:
    """One row of the table."""

    id: str
    minor: Minor
    when: str
    title: str
    text: str
    source: str

    @property
    def version(self) -> str:
        return f"{self.minor[0]}.{self.minor[1]}"


def _words(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _words(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _words(value)
    elif isinstance(node, str):
        yield node


_KIALI = re.compile(r"\bkiali\b", re.IGNORECASE)


def names_kiali(config: MeshConfig) -> bool:
    """Whether ``kiali`` appears anywhere in the config, as a key or a value."""
    return any(_KIALI.search(word) for word in _words(config.model_dump(mode="json")))


def uses_gateway_api(config: MeshConfig) -> bool:
    return (installs_gateway_api_crds(config) or any(g.api != "chart" for g in config.gateways)
            or any(n.waypoint for n in config.namespaces))


def uses_istio_hosting(config: MeshConfig) -> bool:
    hub = config.istio.hub or ""
    return ISTIO_HOSTED_CHARTS in config.istio.chart_repository or hub.startswith(ISTIO_HOSTED_IMAGES)


CONDITIONS: dict[str, Callable[[MeshConfig], bool]] = {
    "always": lambda config: True,
    "ambient": lambda config: config.istio.profile == "ambient",
    "sidecar": lambda config: config.istio.profile != "ambient",
    "cni": lambda config: config.cni.enabled,
    "gateway-api": uses_gateway_api,
    "kiali": names_kiali,
    "gitops": lambda config: "gitops" in config.model_fields_set,
    "istio-hosting": uses_istio_hosting,
}


@functools.cache
def upgrade_notes() -> tuple[UpgradeNote, ...]:
    """The packaged table, in its order."""
    table = json.loads(NOTES_PATH.read_text(encoding="utf-8"))
    notes = []
    for row in table["notes"]:
        major, minor = (int(part) for part in row["version"].split("."))
        notes.append(UpgradeNote(row["id"], (major, minor), row["when"], row["title"], row["text"], row["source"]))
    return tuple(notes)


def minors(config: MeshConfig) -> list[Minor]:
    """Every Istio minor the config installs: each control plane's and ``istio.version``'s."""
    found = {plane.minor for plane in control_planes(config)}
    major, minor, _ = parse_version(config.istio.version)
    found.add((major, minor))
    return sorted(found)


@dataclass(frozen=True)
class Move:
    """A move from one Istio minor to a newer one, and the notes that apply to it."""

    start: Minor
    end: Minor
    notes: tuple[UpgradeNote, ...]


def applicable_notes(new: MeshConfig, old: MeshConfig | None = None) -> Move | None:
    """The move from ``old`` (or, without it, from ``new``'s own oldest minor)
    to ``new``'s newest minor; ``None`` when there is no move up."""
    start = minors(old if old is not None else new)[0]
    end = minors(new)[-1]
    if end <= start:
        return None
    notes = tuple(n for n in upgrade_notes() if start < n.minor <= end and CONDITIONS[n.when](new))
    return Move(start, end, notes)


def format_move(label: str, move: Move) -> str:
    """What ``check`` prints for one move: a heading, then each note with its source."""
    start, end = (f"{m[0]}.{m[1]}" for m in (move.start, move.end))
    lines = [f"upgrade notes for {label} (Istio {start} -> {end}): {len(move.notes)}"]
    for note in move.notes:
        lines += [f"  {note.version} [{note.id}] {note.title}", f"    {note.text}", f"    source: {note.source}"]
    return "\n".join(lines) + "\n"

"""The upgrade notes ``check`` prints, for the files it checked.

Notes inform; they never change the check's exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from istio_mesh.config.fleet import is_fleet_path, load_fleet
from istio_mesh.config.loader import load_config
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.lint.upgrade_notes import applicable_notes, format_move


def _configs(path: Path | str) -> dict[str, MeshConfig]:
    """Label -> config: the file's, or each cluster's of a fleet file."""
    if is_fleet_path(path):
        return {f"{path} [{cluster}]": member for cluster, member in load_fleet(path).items()}
    return {str(path): load_config(path)}


def upgrade_notes_report(paths: Sequence[Path | str], *, old: Path | None = None) -> str:
    """The notes of each config that runs two minors, or of the move from ``old``
    to the one path; empty when nothing moves."""
    out = []
    if old is not None:
        [(label, new)] = _configs(paths[0]).items()
        move = applicable_notes(new, load_config(old))
        if move is not None:
            out.append(format_move(f"{old} -> {label}", move))
        return "".join(out)
    for path in paths:
        for label, config in _configs(path).items():
            move = applicable_notes(config)
            if move is not None:
                out.append(format_move(label, move))
    return "".join(out)

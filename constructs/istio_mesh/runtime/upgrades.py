"""The in-place upgrade rule: one Istio minor version per apply.

Istio upgrades a control plane in place (``helm upgrade`` of the same
release) only from one minor version to the next; going further, in either
direction, is neither tested nor supported upstream. Jumping several minor
versions is done with revisions: a second control plane at the new version
beside the running one, workloads moved over, the old one removed.

The version that is running is only known from the cluster or the Terraform
state, so the rule is enforced at plan time by the guard in
:mod:`istio_mesh.components.upgrade_guard`. This module holds the rule and its
wording, and the early warning ``main.py`` prints when the previous
``cdktf.out`` shows such a jump.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from istio_mesh.config.versions import parse_version

UPGRADE_DOCS = "https://istio.io/latest/docs/setup/upgrade/helm/"

REFUSAL = (
    'Istio release "{release}" is at {previous} {since}; changing it in place to {version} '
    "crosses more than one minor version, which Istio does not support. Move one minor "
    "version per apply, or install {version} as a new revision beside the running control "
    "plane and move workloads to it (revision-based upgrade, " + UPGRADE_DOCS + ")."
)
"""The refusal; the guard fills ``{previous}`` in at plan time, from the state."""

SINCE_LAST_APPLY = "since the last apply"

CONTROL_PLANE_CHART = "istiod"


def minor_index(version: str) -> int:
    """``"1.30.3"`` -> ``1030``: consecutive minor versions differ by one."""
    major, minor, _ = parse_version(version)
    return major * 1000 + minor


def crosses_more_than_one_minor(previous: str, version: str) -> bool:
    """Whether changing ``previous`` to ``version`` in place breaks the rule."""
    return abs(minor_index(version) - minor_index(previous)) > 1


def control_plane_versions(outdir: Path) -> dict[tuple[str, str], str]:
    """``(stack, release name) -> version`` of every istiod release in a synthesis."""
    found: dict[tuple[str, str], str] = {}
    for stack_file in sorted(Path(outdir).glob("stacks/*/cdk.tf.json")):
        try:
            stack: dict[str, Any] = json.loads(stack_file.read_text())
        except (OSError, ValueError):
            continue  # not ours to judge: the synthesis replaces it anyway
        releases = stack.get("resource", {}).get("helm_release", {})
        for release in releases.values() if isinstance(releases, dict) else ():
            if isinstance(release, dict) and release.get("chart") == CONTROL_PLANE_CHART:
                found[(stack_file.parent.name, str(release.get("name")))] = str(
                    release.get("version"))
    return found


def skipped_minor_warnings(previous_outdir: Path, new_outdir: Path) -> list[str]:
    """One line per control-plane release that the new synthesis moves more than
    one minor version away from the previous synthesis."""
    before = control_plane_versions(previous_outdir)
    warnings = []
    for (stack, release), version in sorted(control_plane_versions(new_outdir).items()):
        previous = before.get((stack, release))
        try:
            jump = previous is not None and crosses_more_than_one_minor(previous, version)
        except ValueError:
            continue  # a version this project never wrote
        if jump:
            refusal = REFUSAL.format(
                release=release, previous=previous, since="in the previous synthesis",
                version=version)
            warnings.append(
                f"warning: {stack}: {refusal} If the cluster runs {previous}, "
                "Terraform will refuse the plan."
            )
    return warnings

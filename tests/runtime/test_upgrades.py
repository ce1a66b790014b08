"""The in-place upgrade rule, one Istio minor version per apply
(istio_mesh.runtime.upgrades): the version arithmetic, the istiod releases of
a synthesis, and the early warning when a new synthesis moves one more than
a minor away from the previous one. This file checks each on written
stack files in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from istio_mesh.runtime.upgrades import (
    control_plane_versions, crosses_more_than_one_minor, minor_index, skipped_minor_warnings,
)


def _synthesis(outdir: Path, stacks: dict[str, dict[str, Any]]) -> Path:
    """A cdktf.out with one cdk.tf.json per stack holding these helm_releases."""
    for stack, releases in stacks.items():
        folder = outdir / "stacks" / stack
        folder.mkdir(parents=True)
        (folder / "cdk.tf.json").write_text(json.dumps({"resource": {"helm_release": releases}}))
    return outdir


def _istiod(name: str, version: str) -> dict[str, str]:
    return {"name": name, "chart": "istiod", "version": version}


# -- minor_index / crosses_more_than_one_minor ------------------------------------------


def test_minor_index_puts_consecutive_minors_one_apart() -> None:
    assert minor_index("1.30.3") == 1030
    assert minor_index("2.0.0") == 2000


@pytest.mark.parametrize(("previous", "version"), [
    ("1.29.6", "1.30.3"), ("1.30.3", "1.29.6"), ("1.30.0", "1.30.3"), ("1.30.3", "1.30.3"),
])
def test_one_minor_or_less_in_either_direction_keeps_the_rule(previous: str, version: str) -> None:
    assert crosses_more_than_one_minor(previous, version) is False


@pytest.mark.parametrize(("previous", "version"), [("1.28.0", "1.30.3"), ("1.30.3", "1.28.0"), ("1.30.3", "2.0.0")])
def test_two_minors_or_a_major_breaks_the_rule(previous: str, version: str) -> None:
    assert crosses_more_than_one_minor(previous, version) is True


def test_a_version_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError):
        minor_index("latest")


# -- control_plane_versions -------------------------------------------------------------


def test_control_plane_versions_reads_every_istiod_release_by_stack(tmp_path: Path) -> None:
    outdir = _synthesis(tmp_path, {
        "prod-mesh": {"istiod": _istiod("istiod", "1.30.3"), "istio-base": {"name": "istio-base",
                                                                          "chart": "base", "version": "1.30.3"}},
        "dev-mesh": {"istiod-canary": _istiod("istiod-canary", "1.29.6")},
    })
    assert control_plane_versions(outdir) == {("prod-mesh", "istiod"): "1.30.3",
                                              ("dev-mesh", "istiod-canary"): "1.29.6"}


def test_a_missing_synthesis_has_no_control_planes(tmp_path: Path) -> None:
    assert control_plane_versions(tmp_path / "nothing") == {}


def test_an_unreadable_or_odd_stack_file_is_skipped(tmp_path: Path) -> None:
    _synthesis(tmp_path, {"good-mesh": {"istiod": _istiod("istiod", "1.30.3")}})
    (tmp_path / "stacks" / "broken").mkdir()
    (tmp_path / "stacks" / "broken" / "cdk.tf.json").write_text("{not json")
    (tmp_path / "stacks" / "odd").mkdir()
    (tmp_path / "stacks" / "odd" / "cdk.tf.json").write_text(json.dumps({"resource": {"helm_release": []}}))
    assert control_plane_versions(tmp_path) == {("good-mesh", "istiod"): "1.30.3"}


# -- skipped_minor_warnings --------------------------------------------------------------


def test_a_jump_of_two_minors_warns_naming_the_stack_release_and_both_versions(tmp_path: Path) -> None:
    before = _synthesis(tmp_path / "before", {"prod-mesh": {"istiod": _istiod("istiod", "1.28.0")}})
    after = _synthesis(tmp_path / "after", {"prod-mesh": {"istiod": _istiod("istiod", "1.30.3")}})
    assert skipped_minor_warnings(before, after) == [
        'warning: prod-mesh: Istio release "istiod" is at 1.28.0 in the previous synthesis; changing it '
        "in place to 1.30.3 crosses more than one minor version, which Istio does not support. Move one "
        "minor version per apply, or install 1.30.3 as a new revision beside the running control plane "
        "and move workloads to it (revision-based upgrade, https://istio.io/latest/docs/setup/upgrade/helm/). "
        "If the cluster runs 1.28.0, Terraform will refuse the plan."
    ]


def test_one_minor_a_new_release_or_an_unknown_old_version_gives_no_warning(tmp_path: Path) -> None:
    before = _synthesis(tmp_path / "before", {"prod-mesh": {
        "istiod": _istiod("istiod", "1.29.6"), "istiod-old": _istiod("istiod-old", "main-build")}})
    after = _synthesis(tmp_path / "after", {"prod-mesh": {
        "istiod": _istiod("istiod", "1.30.3"), "istiod-old": _istiod("istiod-old", "1.30.3"),
        "istiod-new": _istiod("istiod-new", "1.30.3")}})
    assert skipped_minor_warnings(before, after) == []


"""Version currency: a pin to a minor out of support (an error) and a pin
behind a newer known patch of its minor (a warning). Each check is called on
a config built from YAML text, against small literal release tables (and the
day passed in) so the expectations do not move with the shipped table; one
test per check reads the shipped table."""

from __future__ import annotations

import json
from datetime import date

from conftest import config_from
from istio_mesh.lint.currency import explicit_pins, minor_unsupported, patch_behind, pinned_versions
from istio_mesh.lint.release_table import ReleaseTable, parse_table

SUPPORTED = "https://istio.io/latest/docs/releases/supported-releases/"


def table(minors: dict[str, str | None], releases: dict[str, bool | None]) -> ReleaseTable:
    return parse_table(json.dumps({
        "minors": [{"minor": m, "endOfSupport": end, "source": "s"} for m, end in minors.items()],
        "releases": [{"version": v, "released": None, "security": sec, "source": "s"}
                     for v, sec in releases.items()],
    }))


PATCHES = table({"1.29": "2026-10-15", "1.30": None},
                {"1.30.1": None, "1.30.2": None, "1.30.3": False, "1.30.4": True, "1.30.5": True,
                 "1.29.8": None, "1.29.9": None})


# --- pinned_versions and explicit_pins ---------------------------------------------------


def test_every_pin_is_listed_with_its_field_path() -> None:
    config = config_from("istio: {version: '1.30.3'}\nrevisions: [{name: a, version: '1.29.9'}, {name: b}]\n"
                         "defaultRevision: b\n")
    assert pinned_versions(config) == [(("istio", "version"), "1.30.3"), (("revisions", 0, "version"), "1.29.9")]


def test_the_package_default_pin_is_not_an_explicit_pin() -> None:
    config = config_from("revisions: [{name: a, version: '1.29.9'}]\n")
    assert pinned_versions(config)[0] == (("istio", "version"), "1.30.3")
    assert explicit_pins(config) == [(("revisions", 0, "version"), "1.29.9")]


def test_a_written_istio_version_is_an_explicit_pin() -> None:
    assert explicit_pins(config_from("istio: {version: '1.30.3'}\n")) == [(("istio", "version"), "1.30.3")]


# --- patch_behind ------------------------------------------------------------------------


def test_a_pin_behind_two_security_patches_names_both() -> None:
    [f] = patch_behind(config_from("istio: {version: '1.30.2'}\n"), PATCHES)
    assert (f.rule, f.path, f.severity) == ("istio-patch-behind", "istio.version", "warning")
    assert f.message == ("is 1.30.2, but Istio 1.30.5 is the newest known patch of 1.30; 1.30.4, 1.30.5 "
                         "carry security fixes")
    assert f.fix == ('pin "1.30.5" once its release notes are reviewed (chart values stay checked '
                     "against the Istio 1.30.3 data)")


def test_a_pin_behind_one_security_patch_says_carries() -> None:
    [f] = patch_behind(config_from("istio: {version: '1.30.4'}\n"), PATCHES)
    assert f.message.endswith("newest known patch of 1.30; 1.30.5 carries security fixes")


def test_a_pin_behind_patches_of_unknown_content_mentions_no_security_fixes() -> None:
    [f] = patch_behind(config_from("revisions: [{name: a, version: '1.29.8'}]\n"), PATCHES)
    assert (f.rule, f.path, f.severity) == ("istio-patch-behind", "revisions[0].version", "warning")
    assert f.message == "is 1.29.8, but Istio 1.29.9 is the newest known patch of 1.29"


def test_a_pin_on_the_newest_known_patch_is_not_behind() -> None:
    assert list(patch_behind(config_from("istio: {version: '1.30.5'}\n"), PATCHES)) == []


def test_a_pin_newer_than_every_known_patch_is_not_behind() -> None:
    assert list(patch_behind(config_from("istio: {version: '1.30.9'}\n"), PATCHES)) == []


def test_the_package_default_pin_is_never_called_behind() -> None:
    assert list(patch_behind(config_from("environment: staging\n"), PATCHES)) == []


def test_patch_behind_reads_the_shipped_table_by_default() -> None:
    [f] = patch_behind(config_from("istio: {version: '1.30.2'}\n"))
    assert (f.rule, f.path) == ("istio-patch-behind", "istio.version")
    assert f.message.startswith("is 1.30.2, but Istio 1.30.5 is the newest known patch of 1.30")


# --- minor_unsupported -------------------------------------------------------------------

ENDED = table({"1.28": "2026-06-29", "1.29": "2026-10-15", "1.30": None}, {})


def test_a_revision_on_a_minor_past_its_end_of_support_is_found() -> None:
    config = config_from("revisions: [{name: a, version: '1.29.9'}, {name: b}]\ndefaultRevision: b\n")
    [f] = minor_unsupported(config, ENDED, date(2026, 12, 1))
    assert (f.rule, f.path, f.severity) == ("istio-minor-unsupported", "revisions[0].version", "error")
    assert f.message == ("is 1.29.9: Istio 1.29 went out of support on 2026-10-15, so it gets no more "
                         "security fixes")
    assert f.fix == f"upgrade to a supported minor ({SUPPORTED}; docs/upgrade-runbook.md shows the canary upgrade)"


def test_a_minor_is_supported_until_the_day_after_its_end() -> None:
    config = config_from("istio: {version: '1.29.9'}\n")
    assert list(minor_unsupported(config, ENDED, date(2026, 10, 15))) == []
    assert [f.path for f in minor_unsupported(config, ENDED, date(2026, 10, 16))] == ["istio.version"]


def test_a_minor_older_than_the_table_is_out_of_support_by_the_oldest_ended_minor() -> None:
    [f] = minor_unsupported(config_from("istio: {version: '1.27.2'}\n"), ENDED, date(2026, 12, 1))
    assert (f.rule, f.path) == ("istio-minor-unsupported", "istio.version")
    assert f.message == ("is 1.27.2: Istio 1.27 is older than 1.28, whose support ended on 2026-06-29, "
                         "so it gets no more security fixes")


def test_a_minor_without_an_end_date_is_supported() -> None:
    assert list(minor_unsupported(config_from("istio: {version: '1.30.3'}\n"), ENDED, date(2030, 1, 1))) == []


def test_the_package_default_pin_is_judged_for_support() -> None:
    # Unlike patch_behind: a default pin out of support is still out of support.
    ended_1_30 = table({"1.30": "2027-01-01"}, {})
    [f] = minor_unsupported(config_from("environment: staging\n"), ended_1_30, date(2027, 2, 1))
    assert (f.rule, f.path) == ("istio-minor-unsupported", "istio.version")


def test_minor_unsupported_reads_the_shipped_table_by_default() -> None:
    [f] = minor_unsupported(config_from("istio: {version: '1.28.1'}\n"), today=date(2026, 12, 1))
    assert f.message.startswith("is 1.28.1: Istio 1.28 went out of support on 2026-06-29")

"""Version currency: is the pinned Istio still patched, and is it the newest
known patch of its minor?

A pin to a minor out of support gets no more security fixes, so it is an
error; a pin behind a newer patch of its minor is a warning, since adopting a
patch is the user's reviewed change (and patches of one minor share their
chart values, so the values are still checked against that minor's data).
Both read the release table (:mod:`istio_mesh.lint.release_table`); "out of
support" is judged on the day the check runs, which tests pass in.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.versions import parse_version
from istio_mesh.lint.refdata import checked_against
from istio_mesh.lint.release_table import ReleaseTable, minor_of, release_table
from istio_mesh.lint.rules import Check, Finding, finding

SUPPORTED_RELEASES = "https://istio.io/latest/docs/releases/supported-releases/"


def pinned_versions(config: MeshConfig) -> list[tuple[tuple[str | int, ...], str]]:
    """(field path, version) of every pin: istio.version and each revision's own."""
    pins: list[tuple[tuple[str | int, ...], str]] = [(("istio", "version"), config.istio.version)]
    pins += [(("revisions", i, "version"), r.version)
             for i, r in enumerate(config.revisions) if r.version is not None]
    return pins


def explicit_pins(config: MeshConfig) -> list[tuple[tuple[str | int, ...], str]]:
    """The pins the config itself writes. A config that leaves istio.version
    unset runs the package's default pin, which moves only to a patch whose
    chart data is vendored and checked (docs/linter.md#version-currency);
    warning there would fail every unpinned config's ``check --strict`` for a
    choice the config did not make."""
    pins = pinned_versions(config)
    return pins if "version" in config.istio.model_fields_set else pins[1:]


def patch_behind(config: MeshConfig, table: ReleaseTable | None = None) -> Iterator[Finding]:
    table = table or release_table()
    for path, version in explicit_pins(config):
        newer = [r for r in table.patches(version) if parse_version(r.version) > parse_version(version)]
        if not newer:
            continue
        newest = newer[-1].version
        security = [r.version for r in newer if r.security]
        carried = (f"; {', '.join(security)} carr{'ies' if len(security) == 1 else 'y'} security fixes"
                   if security else "")
        yield finding("istio-patch-behind", path,
                      f"is {version}, but Istio {newest} is the newest known patch of "
                      f"{minor_of(version)}{carried}",
                      f"pin \"{newest}\" once its release notes are reviewed (chart values stay "
                      f"checked against the Istio {checked_against(newest)} data)")


def minor_unsupported(
    config: MeshConfig, table: ReleaseTable | None = None, today: date | None = None
) -> Iterator[Finding]:
    table = table or release_table()
    today = today or date.today()
    for path, version in pinned_versions(config):
        ended = table.ended_before(version, today)
        if ended is None or ended.end_of_support is None:
            continue
        which = (f"Istio {minor_of(version)} went out of support on {ended.end_of_support.isoformat()}"
                 if ended.minor == minor_of(version) else
                 f"Istio {minor_of(version)} is older than {ended.minor}, whose support ended on "
                 f"{ended.end_of_support.isoformat()}")
        yield finding("istio-minor-unsupported", path,
                      f"is {version}: {which}, so it gets no more security fixes",
                      f"upgrade to a supported minor ({SUPPORTED_RELEASES}; "
                      "docs/upgrade-runbook.md shows the canary upgrade)")


CURRENCY_CHECKS: tuple[Check, ...] = (minor_unsupported, patch_behind)

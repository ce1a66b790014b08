"""The Istio releases this package knows (``data/releases.json``): release
dates, end of support per minor, which patches carry security fixes, each
with its public source. Read by the version-currency checks; a new Istio
patch is one row in the file."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from istio_mesh.config.versions import parse_version

TABLE = Path(__file__).resolve().parent / "data" / "releases.json"


@dataclass(frozen=True)
class Minor:
    minor: str
    end_of_support: date | None
    """None while the date is not known (the minor two ahead is not out yet)."""
    source: str


@dataclass(frozen=True)
class Release:
    version: str
    released: date | None
    security: bool | None
    """True: carries security fixes; None: not verified."""
    source: str


@dataclass(frozen=True)
class ReleaseTable:
    minors: tuple[Minor, ...]
    releases: tuple[Release, ...]

    def minor(self, version: str) -> Minor | None:
        return next((m for m in self.minors if m.minor == minor_of(version)), None)

    def patches(self, version: str) -> tuple[Release, ...]:
        """The known patches of ``version``'s minor, oldest first."""
        return tuple(sorted((r for r in self.releases if minor_of(r.version) == minor_of(version)),
                            key=lambda r: parse_version(r.version)))

    def ended_before(self, version: str, today: date) -> Minor | None:
        """The minor whose end of support puts ``version`` out of support on
        ``today``: its own, or a newer one's (support ends oldest first, so a
        minor older than one already out of support is out of support too)."""
        own = parse_version(minor_of(version) + ".0")
        ended = [m for m in self.minors
                 if m.end_of_support is not None and m.end_of_support < today
                 and parse_version(m.minor + ".0") >= own]
        return min(ended, key=lambda m: parse_version(m.minor + ".0"), default=None)


def minor_of(version: str) -> str:
    major, minor, *_ = parse_version(version)
    return f"{major}.{minor}"


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def parse_table(text: str) -> ReleaseTable:
    data = json.loads(text)
    return ReleaseTable(
        minors=tuple(Minor(m["minor"], _date(m["endOfSupport"]), m["source"]) for m in data["minors"]),
        releases=tuple(Release(r["version"], _date(r["released"]), r["security"], r["source"])
                       for r in data["releases"]),
    )


@functools.cache
def release_table() -> ReleaseTable:
    """The table shipped with the package."""
    return parse_table(TABLE.read_text(encoding="utf-8"))

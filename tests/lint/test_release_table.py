"""The release table: Istio minors with their end of support and patches with
their security flag, read from ``data/releases.json``. This file checks the
parser on small literal tables, the lookups the currency rules use (a minor,
its patches in order, which ended minor puts a pin out of support) and a few
known rows of the shipped table."""

from __future__ import annotations

import json
from datetime import date

import pytest

from istio_mesh.lint.release_table import Minor, Release, minor_of, parse_table, release_table


def table_text(minors: list[tuple[str, str | None]], releases: list[tuple[str, str | None, bool | None]]) -> str:
    return json.dumps({
        "minors": [{"minor": m, "endOfSupport": end, "source": f"https://example.com/{m}"} for m, end in minors],
        "releases": [{"version": v, "released": day, "security": sec, "source": f"https://example.com/{v}"}
                     for v, day, sec in releases],
    })


SMALL = parse_table(table_text(
    [("1.28", "2026-06-29"), ("1.29", "2026-10-15"), ("1.30", None)],
    [("1.30.2", "2026-06-24", None), ("1.30.0", "2026-05-18", False), ("1.29.9", None, True),
     ("1.30.10", None, True)],
))


# --- minor_of --------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "minor"), [("1.30.3", "1.30"), ("1.9.0", "1.9"), ("2.0.1", "2.0")])
def test_the_minor_of_a_version_is_its_first_two_numbers(version: str, minor: str) -> None:
    assert minor_of(version) == minor


# --- parse_table -----------------------------------------------------------------------


def test_a_table_is_parsed_into_minors_and_releases_with_dates() -> None:
    assert SMALL.minors[0] == Minor("1.28", date(2026, 6, 29), "https://example.com/1.28")
    assert SMALL.releases[1] == Release("1.30.0", date(2026, 5, 18), False, "https://example.com/1.30.0")


def test_unknown_dates_and_security_flags_stay_unknown() -> None:
    assert SMALL.minors[2].end_of_support is None
    assert SMALL.releases[2] == Release("1.29.9", None, True, "https://example.com/1.29.9")
    assert SMALL.releases[0].security is None


def test_a_malformed_date_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_table(table_text([("1.30", "next spring")], []))


# --- ReleaseTable.minor ----------------------------------------------------------------


def test_the_minor_of_a_patch_is_found_by_its_version() -> None:
    assert SMALL.minor("1.29.4") == Minor("1.29", date(2026, 10, 15), "https://example.com/1.29")


def test_a_minor_missing_from_the_table_is_none() -> None:
    assert SMALL.minor("1.31.0") is None


# --- ReleaseTable.patches --------------------------------------------------------------


def test_the_patches_of_a_minor_come_in_numeric_order() -> None:
    # 1.30.10 after 1.30.2: numbers, not text.
    assert [r.version for r in SMALL.patches("1.30.3")] == ["1.30.0", "1.30.2", "1.30.10"]


def test_a_minor_without_known_patches_has_none() -> None:
    assert SMALL.patches("1.28.0") == ()


# --- ReleaseTable.ended_before ---------------------------------------------------------


def test_a_minor_whose_support_ended_before_today_is_returned() -> None:
    ended = SMALL.ended_before("1.29.9", date(2026, 10, 16))
    assert ended is not None and ended.minor == "1.29"


def test_a_minor_is_still_supported_on_its_last_day() -> None:
    assert SMALL.ended_before("1.29.9", date(2026, 10, 15)) is None


def test_an_older_minor_than_an_ended_one_is_out_of_support_by_the_oldest_ended_newer_minor() -> None:
    ended = SMALL.ended_before("1.27.2", date(2026, 12, 1))
    assert ended is not None and ended.minor == "1.28"


def test_a_minor_without_an_end_date_is_supported() -> None:
    assert SMALL.ended_before("1.30.2", date(2030, 1, 1)) is None


# --- the shipped table -----------------------------------------------------------------


def test_the_shipped_table_knows_the_end_of_1_29() -> None:
    assert release_table().minor("1.29.0") == Minor(
        "1.29", date(2026, 10, 15), "https://istio.io/latest/news/releases/1.29.x/announcing-1.29.9/")


def test_the_shipped_table_flags_1_30_4_as_a_security_release() -> None:
    [row] = [r for r in release_table().releases if r.version == "1.30.4"]
    assert (row.released, row.security) == (date(2026, 8, 27), True)


def test_the_shipped_table_is_read_once() -> None:
    assert release_table() is release_table()

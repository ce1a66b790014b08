"""Day-two settings (istio_mesh.config.day_two): a revision retired by the
apply that removes it, its in-use override with a reason, the health
checks switch, and the rules a retired revision must keep.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.day_two import (
    MIN_REASON_LENGTH,
    HealthCheckSettings,
    InUseOverride,
    RetiredRevision,
    check_retired_revisions,
)
from istio_mesh.config.errors import ConfigError

CANARY = (
    "istio: {version: '1.30.3'}\n"
    "revisions: [{name: 1-30-3, version: '1.30.3'}]\n"
)


def _refusal(text: str) -> str:
    return shared_error_for(text, "test.yaml")


# -- InUseOverride -------------------------------------------------------------------


def test_a_reason_of_ten_characters_is_accepted() -> None:
    assert MIN_REASON_LENGTH == 10
    assert InUseOverride(reason="0123456789").reason == "0123456789"


def test_a_reason_is_kept_without_surrounding_blanks() -> None:
    assert InUseOverride(reason="  tag moved by hand in CHG-1  ").reason == "tag moved by hand in CHG-1"


def test_a_reason_of_nine_characters_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        InUseOverride(reason="too short")
    [error] = caught.value.errors()
    assert (error["msg"], error["input"]) == (
        "Value error, say why in at least 10 characters", "too short",
    )


def test_blanks_do_not_count_towards_the_reason() -> None:
    with pytest.raises(ValidationError, match="say why in at least 10 characters"):
        InUseOverride(reason="    ok        ")


def test_an_override_needs_a_reason() -> None:
    with pytest.raises(ValidationError) as caught:
        InUseOverride.model_validate({})
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("missing", ("reason",))]


# -- RetiredRevision -------------------------------------------------------------------


def test_a_retired_revision_has_no_override_by_default() -> None:
    retired = RetiredRevision(name="1-29-6")
    assert retired.allow_in_use is None


def test_a_retired_revision_release_is_istiod_dash_its_name() -> None:
    assert RetiredRevision(name="1-29-6").release_name == "istiod-1-29-6"


def test_the_retired_default_revision_release_is_plain_istiod() -> None:
    assert RetiredRevision(name="default").release_name == "istiod"


def test_a_retired_revision_reads_its_override_in_camel_case() -> None:
    retired = RetiredRevision.model_validate(
        {"name": "canary", "allowInUse": {"reason": "pods drain in the next window"}}
    )
    assert retired.allow_in_use == InUseOverride(reason="pods drain in the next window")


def test_a_retired_revision_name_must_be_a_dns_label() -> None:
    with pytest.raises(ValidationError, match="must be a DNS-1123 label"):
        RetiredRevision(name="1.29.6")


# -- HealthCheckSettings ----------------------------------------------------------------


def test_health_checks_are_on_by_default() -> None:
    assert HealthCheckSettings().enabled is True
    assert config_from("{}").health_checks.enabled is True


def test_health_checks_can_be_turned_off() -> None:
    assert config_from("healthChecks: {enabled: false}").health_checks.enabled is False


def test_health_checks_take_no_other_setting() -> None:
    assert _refusal("healthChecks: {interval: 30s}") == (
        "test.yaml: healthChecks.interval: unknown key; allowed keys: enabled"
    )


# -- check_retired_revisions -------------------------------------------------------------


def test_a_removed_revision_may_be_retired_beside_the_installed_one() -> None:
    config = config_from(CANARY + "retiredRevisions: [{name: 1-29-6}]")
    assert [r.name for r in config.retired_revisions] == ["1-29-6"]
    assert check_retired_revisions(config) is None


def test_the_un_revisioned_istiod_may_be_retired_once_revisions_replace_it() -> None:
    config = config_from(CANARY + "retiredRevisions: [{name: default}]")
    assert config.retired_revisions[0].release_name == "istiod"


def test_no_retired_revisions_is_the_default() -> None:
    assert config_from("{}").retired_revisions == ()


def test_retiring_an_installed_revision_is_refused() -> None:
    assert _refusal(CANARY + "retiredRevisions: [{name: 1-30-3}]") == (
        "test.yaml: retiredRevisions[0].name: got '1-30-3'; it is still in revisions (or is "
        "the un-revisioned istiod): remove it from there to retire it"
    )


def test_retiring_the_un_revisioned_istiod_while_it_is_installed_is_refused() -> None:
    assert _refusal("retiredRevisions: [{name: default}]") == (
        "test.yaml: retiredRevisions[0].name: got 'default'; it is still in revisions (or is "
        "the un-revisioned istiod): remove it from there to retire it"
    )


def test_retiring_a_revision_tag_is_refused() -> None:
    assert _refusal(CANARY + "revisionTags: {prod-stable: 1-30-3}\n"
                    "retiredRevisions: [{name: prod-stable}]") == (
        "test.yaml: retiredRevisions[0].name: got 'prod-stable'; that is a revision tag, "
        "not a revision"
    )


def test_a_revision_retired_twice_is_refused_at_the_second_entry() -> None:
    assert _refusal(CANARY + "retiredRevisions: [{name: 1-28-1}, {name: 1-29-6}, {name: 1-28-1}]") == (
        "test.yaml: retiredRevisions[2].name: '1-28-1' is listed more than once"
    )


def test_a_short_override_reason_is_reported_at_its_path_naming_the_value_once() -> None:
    assert _refusal(CANARY + "retiredRevisions: [{name: 1-29-6, allowInUse: {reason: because}}]") == (
        "test.yaml: retiredRevisions[0].allowInUse.reason: got 'because'; say why in at "
        "least 10 characters"
    )

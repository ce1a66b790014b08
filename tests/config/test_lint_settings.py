"""Lint settings (config/lint_settings.py): the environment a config describes
and the findings its owners waived. This file checks a waiver's rule id
against the rule catalogue (with a spelling hint only when one is close), that
a reason says something and is kept on one line, and one waiver per rule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from conftest import config_from
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.lint_settings import LintSettings, Waiver


def refusal(data: dict[str, object], model: type[Waiver] | type[LintSettings] = Waiver) -> str:
    """The message of the one error validating ``data`` raises."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    errors = caught.value.errors()
    assert len(errors) == 1
    return str(errors[0]["ctx"]["error"])


# Waiver


def test_a_waiver_for_a_known_rule_keeps_its_id_and_reason() -> None:
    waiver = Waiver(rule="prod-single-istiod", reason="one node lab cluster")
    assert (waiver.rule, waiver.reason) == ("prod-single-istiod", "one node lab cluster")


def test_a_reason_written_over_several_lines_is_kept_on_one() -> None:
    waiver = Waiver(rule="prod-egress-allow-any", reason="  legacy batch jobs\n  call partners\tdirectly \n")
    assert waiver.reason == "legacy batch jobs call partners directly"


def test_a_misspelt_rule_is_refused_with_the_closest_id() -> None:
    assert refusal({"rule": "prod-single-istod", "reason": "x"}).startswith(
        "unknown rule (did you mean 'prod-single-istiod'?); allowed: access-log-file-unused, "
        "access-log-in-container, "
    )


def test_a_rule_like_no_other_is_refused_without_a_hint() -> None:
    message = refusal({"rule": "qqqqqqqqqqqq", "reason": "x"})
    assert message.startswith("unknown rule; allowed: access-log-file-unused, ")
    assert message.endswith(", values-rejected-at-apply, ztunnel-skips-nodes")


def test_a_reason_of_blanks_only_is_refused() -> None:
    assert refusal({"rule": "prod-single-istiod", "reason": " \n\t"}) == "must say why the finding is accepted"


def test_an_empty_reason_is_refused_by_its_length() -> None:
    with pytest.raises(ValidationError) as caught:
        Waiver.model_validate({"rule": "prod-single-istiod", "reason": ""})
    assert caught.value.errors()[0]["type"] == "string_too_short"


def test_a_waiver_without_a_reason_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Waiver.model_validate({"rule": "prod-single-istiod"})
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("missing", ("reason",))]


# LintSettings


def test_no_waivers_by_default() -> None:
    assert LintSettings().waivers == ()


def test_waivers_for_different_rules_are_kept_in_order() -> None:
    lint = config_from(
        "lint: {waivers: [{rule: prod-single-istiod, reason: lab}, {rule: legacy-tracing, reason: zipkin}]}"
    ).lint
    assert [w.rule for w in lint.waivers] == ["prod-single-istiod", "legacy-tracing"]


def test_each_rule_waived_twice_is_named_once() -> None:
    twice = [{"rule": rule, "reason": "r"} for rule in
             ("route-weights", "legacy-tracing", "route-weights", "legacy-tracing", "route-weights")]
    assert refusal({"waivers": twice}, LintSettings) == "rule waived more than once: legacy-tracing, route-weights"


def test_an_environment_other_than_the_three_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from("environment: qa")
    assert str(caught.value) == (
        "test.yaml: environment: got 'qa' (string); must be 'development', 'staging' or 'production'"
    )

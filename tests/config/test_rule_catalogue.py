"""The rule catalogue (config/rule_catalogue.py): every lint rule's id,
severity and summary. Rule ids are a public contract (configs waive them by
id), so this file pins known ids and severities and checks the catalogue's
shape: unique kebab-case ids, a severity each, an index by id."""

from __future__ import annotations

import re

import pytest

from istio_mesh.config.rule_catalogue import RULES, RULES_BY_ID, Rule


def test_the_index_holds_every_rule_once_by_its_id() -> None:
    assert len(RULES_BY_ID) == len(RULES)
    assert all(RULES_BY_ID[rule.id] is rule for rule in RULES)


def test_rule_ids_are_unique() -> None:
    ids = [rule.id for rule in RULES]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


@pytest.mark.parametrize(
    ("rule_id", "severity"),
    [
        ("environment-unset", "warning"),
        ("prod-mtls-not-strict", "error"),
        ("prod-single-istiod", "error"),
        ("prod-access-logs-everywhere", "warning"),
        ("unused-waiver", "warning"),
        ("crd-schema", "error"),
        ("prod-destroy-unprotected", "error"),
        ("observability-version-mismatch", "warning"),
    ],
)
def test_published_rules_keep_their_id_and_severity(rule_id: str, severity: str) -> None:
    assert RULES_BY_ID[rule_id].severity == severity


def test_the_catalogue_starts_with_the_environment_rule_and_ends_with_the_observability_ones() -> None:
    assert [r.id for r in RULES[:2]] == ["environment-unset", "prod-mtls-not-strict"]
    assert [r.id for r in RULES[-2:]] == ["prod-kiali-anonymous", "observability-version-mismatch"]


def test_every_id_is_lowercase_kebab_case() -> None:
    assert [r.id for r in RULES if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.id)] == []


def test_every_rule_is_an_error_or_a_warning_with_a_summary() -> None:
    assert {r.severity for r in RULES} == {"error", "warning"}
    assert [r.id for r in RULES if not r.summary.strip()] == []


def test_summaries_are_one_line_each() -> None:
    assert [r.id for r in RULES if "\n" in r.summary] == []


def test_an_id_not_in_the_catalogue_is_not_in_the_index() -> None:
    assert "prod-single-istod" not in RULES_BY_ID


def test_a_rule_cannot_be_changed_once_made() -> None:
    rule = Rule("x", "error", "summary")
    with pytest.raises(AttributeError):
        rule.severity = "warning"  # type: ignore[misc]

"""Pydantic's validation errors in the user's words
(istio_mesh.config.describe): one ``<field path>: <problem>`` line per error,
keys spelt as in YAML, with the allowed keys, values or bounds.

Validates small models of this file's own, and the real MeshConfig, and
checks the exact lines describe_validation_error makes of the errors.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError, model_validator

from istio_mesh.config.base import MeshModel
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.describe import describe_validation_error
from istio_mesh.config.errors import RuleViolation


class _Limits(MeshModel):
    """Bounds of every kind, on fields with camelCase keys."""

    max_replicas: int = Field(default=1, ge=1)
    min_surge: int = Field(default=1, le=5)
    share: float = Field(default=0.5, gt=0, lt=1)
    items: tuple[str, ...] = Field(default=("a",), min_length=1)
    enabled: bool = False


class _Pair(MeshModel):
    """A model that refuses a cross-field combination with a RuleViolation."""

    low: int = 0
    high: int = 0

    @model_validator(mode="after")
    def _ordered(self) -> _Pair:
        if self.low > self.high:
            raise RuleViolation(("high",), f"{self.high} is below low ({self.low})")
        return self


class _Root(MeshModel):
    """A root holding a model, a mapping of models and a list of models."""

    limits: _Limits = Field(default_factory=_Limits)
    by_name: dict[str, _Limits] = Field(default_factory=dict)
    pairs: tuple[_Pair, ...] = ()


def _lines(data: Any, root: type[BaseModel] = MeshConfig) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        root.model_validate(data)
    return describe_validation_error(caught.value, root)


# -- unknown and missing keys --------------------------------------------------------------


def test_an_unknown_key_lists_the_allowed_keys_and_the_closest_one() -> None:
    assert _lines({"limits": {"maxReplica": 2}}, _Root) == [
        "limits.maxReplica: unknown key; allowed keys: enabled, items, maxReplicas, minSurge, "
        "share (did you mean 'maxReplicas'?)"
    ]


def test_an_unknown_key_like_none_of_the_allowed_ones_gets_no_suggestion() -> None:
    assert _lines({"limits": {"zzz": 2}}, _Root) == [
        "limits.zzz: unknown key; allowed keys: enabled, items, maxReplicas, minSurge, share"
    ]


def test_an_unknown_key_inside_a_mapping_of_models_lists_that_model_keys() -> None:
    assert _lines({"byName": {"east": {"enabeld": True}}}, _Root) == [
        "byName.east.enabeld: unknown key; allowed keys: enabled, items, maxReplicas, minSurge, "
        "share (did you mean 'enabled'?)"
    ]


def test_an_unknown_top_level_key_of_a_mesh_config_suggests_the_real_one() -> None:
    [line] = _lines({"gateway": []})
    assert line.startswith("gateway: unknown key; allowed keys: authorization, backend, ")
    assert line.endswith(" (did you mean 'gateways'?)")


def test_a_missing_required_key_is_named_at_its_path() -> None:
    assert _lines({"connection": {"mode": "exec"}}) == [
        "connection.command: required key is missing"
    ]


# -- discriminated unions ------------------------------------------------------------------


def test_a_union_member_tag_is_left_out_of_the_path() -> None:
    assert _lines({"connection": {"mode": "kubeconfig", "contxt": "prod"}}) == [
        "connection.contxt: unknown key; allowed keys: context, kubeconfigPath, mode "
        "(did you mean 'context'?)"
    ]


def test_an_unknown_union_tag_is_reported_at_the_tag_key_with_the_allowed_tags() -> None:
    assert _lines({"backend": {"type": "consul"}}) == [
        "backend.type: got 'consul'; allowed: 'local', 'cloud', 's3', 'gcs', 'azurerm'"
    ]


# -- bounds ----------------------------------------------------------------------------------


def test_a_value_below_a_range_shows_the_whole_range() -> None:
    assert _lines({"gateways": [{"name": "g", "kind": "ingress", "replicas": 0}]}) == [
        "gateways[0].replicas: got 0; allowed: 1 to 50"
    ]


def test_a_value_below_a_lower_bound_alone_shows_at_least() -> None:
    assert _lines({"limits": {"maxReplicas": 0}}, _Root) == [
        "limits.maxReplicas: got 0; allowed: at least 1"
    ]


def test_a_value_above_an_upper_bound_alone_shows_at_most() -> None:
    assert _lines({"byName": {"a": {"minSurge": 9}}}, _Root) == [
        "byName.a.minSurge: got 9; allowed: at most 5"
    ]


def test_a_value_on_an_exclusive_lower_bound_shows_more_than() -> None:
    assert _lines({"limits": {"share": 0}}, _Root) == ["limits.share: got 0; allowed: more than 0.0"]


def test_a_value_on_an_exclusive_upper_bound_shows_less_than() -> None:
    assert _lines({"limits": {"share": 1}}, _Root) == ["limits.share: got 1; allowed: less than 1.0"]


def test_a_ratio_of_zero_is_not_described_as_within_its_upper_bound() -> None:
    # gateway5xxRatio is gt=0, le=0.5: 0 breaks the exclusive lower bound.
    assert _lines({"observability": {"alerts": {"thresholds": {"gateway5xxRatio": 0}}}}) == [
        "observability.alerts.thresholds.gateway5xxRatio: got 0; allowed: more than 0.0"
    ]


# -- types and values ------------------------------------------------------------------------


def test_a_number_where_a_string_belongs_asks_for_quotes() -> None:
    assert _lines({"istio": {"version": 1.3}}) == [
        "istio.version: got 1.3 (number); must be a string: put it in quotes"
    ]


def test_a_yaml_boolean_where_a_choice_belongs_explains_the_yaml_trap() -> None:
    assert _lines({"mtls": {"mode": False}}) == [
        "mtls.mode: got False (boolean); must be 'STRICT', 'PERMISSIVE' or 'DISABLE' "
        "(YAML reads yes/no/on/off as booleans: put the value in quotes)"
    ]


def test_a_wrong_type_that_is_not_a_boolean_names_its_yaml_type_without_the_trap() -> None:
    assert _lines({"limits": {"enabled": "maybe"}}, _Root) == [
        "limits.enabled: got 'maybe' (string); must be a valid boolean, unable to interpret input"
    ]


def test_a_value_error_shows_the_value_and_the_rule() -> None:
    assert _lines({"istiod": {"resources": {"requests": {"memory": "lots"}}}}) == [
        "istiod.resources.requests.memory: got 'lots'; must be a Kubernetes quantity such as "
        "'500m', '1', '256Mi' or '2Gi'"
    ]


def test_an_error_pydantic_words_otherwise_keeps_its_message() -> None:
    assert _lines({"limits": {"items": []}}, _Root) == [
        "limits.items: got []; Tuple should have at least 1 item after validation, not 0"
    ]


def test_a_bad_mapping_key_is_reported_at_the_key_without_a_key_marker() -> None:
    assert _lines({"revisionTags": {"Stable": "a"}}) == [
        "revisionTags.Stable: got 'Stable'; must be a DNS-1123 label: lowercase letters, digits "
        "and '-', starting and ending with a letter or digit, at most 63 characters"
    ]


def test_a_long_value_is_clipped_to_keep_the_line_short() -> None:
    [line] = _lines({"istiod": {"replicas": "x" * 200}})
    assert line == (
        "istiod.replicas: got '" + "x" * 76 + "... (string); must be a valid integer, unable to "
        "parse string as an integer"
    )


def test_a_document_that_is_not_a_mapping_is_reported_at_the_top_level() -> None:
    assert _lines([1]) == [
        "(top level): got [1] (list); must be a valid dictionary or instance of MeshConfig"
    ]


# -- rule violations and several errors ---------------------------------------------------------


def test_a_rule_violation_is_reported_at_its_own_path_with_its_message_alone() -> None:
    assert _lines({"pairs": [{"low": 0, "high": 1}, {"low": 3, "high": 2}]}, _Root) == [
        "pairs[1].high: 2 is below low (3)"
    ]


def test_every_error_gets_its_own_line_in_pydantic_order() -> None:
    assert _lines({"limits": {"maxReplicas": 0, "minSurge": 6}, "extra": 1}, _Root) == [
        "limits.maxReplicas: got 0; allowed: at least 1",
        "limits.minSurge: got 6; allowed: at most 5",
        "extra: unknown key; allowed keys: byName, limits, pairs",
    ]

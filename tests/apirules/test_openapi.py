"""A CRD's openAPIV3Schema checked as the API server checks it
(istio_mesh.apirules.openapi): translated to a JSON Schema that refuses the
fields the API server would prune, its problems worded by what the schema
allows, and its defaults filled in. This file checks each translation, each
wording, and the defaulting, on a small hand-written schema."""

from __future__ import annotations

from typing import Any

from istio_mesh.apirules.openapi import (
    object_schema, schema_problems, to_json_schema, validator, with_defaults,
)

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "port": {"x-kubernetes-int-or-string": True},
        "name": {"type": "string", "nullable": True, "maxLength": 3, "default": "web",
                 "description": "the listener's name"},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                 "properties": {"a": {"type": "string"}}},
        "rules": {"type": "array", "maxItems": 1, "items": {
            "type": "object",
            "properties": {"mode": {"type": "string", "enum": ["a", "b"]},
                           "weight": {"type": "integer", "default": 5, "minimum": 0}}}},
        "count": {"type": "integer", "maximum": 10},
    },
}


# -- to_json_schema / object_schema ---------------------------------------------


def test_int_or_string_becomes_either_type() -> None:
    assert to_json_schema(SCHEMA)["properties"]["port"] == {"anyOf": [{"type": "integer"}, {"type": "string"}]}


def test_nullable_adds_null_and_descriptions_are_dropped() -> None:
    assert to_json_schema(SCHEMA)["properties"]["name"] == {
        "type": ["string", "null"], "maxLength": 3, "default": "web"}


def test_an_object_with_properties_refuses_other_fields() -> None:
    out = to_json_schema(SCHEMA)
    assert out["additionalProperties"] is False
    assert out["properties"]["rules"]["items"]["additionalProperties"] is False


def test_an_object_that_preserves_unknown_fields_accepts_other_fields() -> None:
    assert to_json_schema(SCHEMA)["properties"]["free"] == {"type": "object", "properties": {"a": {"type": "string"}}}


def test_a_declared_additional_properties_is_kept() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "string"}}
    assert to_json_schema(schema)["additionalProperties"] == {"type": "string"}


def test_the_object_schema_lets_api_version_kind_and_metadata_through() -> None:
    properties = object_schema(SCHEMA)["properties"]
    assert properties["apiVersion"] == {"type": "string"}
    assert properties["kind"] == {"type": "string"}
    assert properties["metadata"] == {"type": "object"}


def test_a_validator_is_built_once_per_schema_object() -> None:
    assert validator(SCHEMA) is validator(SCHEMA)
    assert validator(SCHEMA) is not validator(dict(SCHEMA))


# -- schema_problems -----------------------------------------------------------


def test_an_object_that_fits_the_schema_has_no_problems() -> None:
    manifest = {"apiVersion": "example.io/v1", "kind": "Listener", "metadata": {"name": "x"},
                "port": "http", "name": None, "free": {"anything": [1, 2]},
                "rules": [{"mode": "a", "weight": 0}], "count": 10}
    assert schema_problems(SCHEMA, manifest) == []


def test_each_problem_names_its_path_and_what_the_schema_allows_in_path_order() -> None:
    manifest = {"name": "listener", "extra": 1, "sorce": 2, "count": 11,
                "rules": [{"mode": "c", "weight": -1}, {}]}
    assert schema_problems(SCHEMA, manifest) == [
        ((), "unknown field 'extra', 'sorce' (the API server would drop it silently)"),
        (("count",), "at most 10 is allowed"),
        (("name",), "at most 3 characters are allowed"),
        (("rules",), "at most 1 items are allowed"),
        (("rules", 0, "mode"), "must be one of a, b"),
        (("rules", 0, "weight"), "at least 0 is allowed"),
    ]


def test_a_value_of_the_wrong_type_names_the_type() -> None:
    assert schema_problems(SCHEMA, {"count": "ten"}) == [(("count",), "must be of type integer")]


def test_a_problem_without_its_own_wording_keeps_the_validators_message() -> None:
    assert schema_problems(SCHEMA, {"port": 1.5}) == [
        (("port",), "1.5 is not valid under any of the given schemas")]


# -- with_defaults ----------------------------------------------------------------


def test_missing_fields_get_their_defaults_at_every_depth() -> None:
    assert with_defaults(SCHEMA, {"rules": [{"mode": "a"}]}) == {
        "rules": [{"mode": "a", "weight": 5}], "name": "web"}


def test_a_field_that_is_set_keeps_its_value() -> None:
    assert with_defaults(SCHEMA, {"name": "api", "rules": [{"weight": 2}]}) == {
        "name": "api", "rules": [{"weight": 2}]}


def test_a_value_that_is_not_an_object_or_list_is_returned_as_it_is() -> None:
    assert with_defaults(SCHEMA, "text") == "text"

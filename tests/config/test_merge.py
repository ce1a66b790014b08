"""Deep merge (config/merge.py), as Helm merges values files: later maps win
key by key, lists and scalars are replaced whole, and neither input changes."""

from __future__ import annotations

from istio_mesh.config.merge import deep_merge


def test_nested_maps_are_merged_key_by_key() -> None:
    base = {"global": {"hub": "docker.io/istio", "tag": "1.30.3"}, "pilot": {"replicaCount": 1}}
    override = {"global": {"tag": "1.30.3-distroless"}, "meshConfig": {"accessLogFile": "/dev/stdout"}}
    assert deep_merge(base, override) == {
        "global": {"hub": "docker.io/istio", "tag": "1.30.3-distroless"},
        "pilot": {"replicaCount": 1},
        "meshConfig": {"accessLogFile": "/dev/stdout"},
    }


def test_lists_are_replaced_whole_not_appended() -> None:
    assert deep_merge({"ports": [80, 443]}, {"ports": [8080]}) == {"ports": [8080]}


def test_a_scalar_replaces_a_map_and_a_map_replaces_a_scalar() -> None:
    assert deep_merge({"a": {"b": 1}, "c": 2}, {"a": "off", "c": {"d": 3}}) == {"a": "off", "c": {"d": 3}}


def test_none_in_the_override_replaces_the_base_value() -> None:
    assert deep_merge({"resources": {"limits": {"cpu": "2"}}}, {"resources": {"limits": None}}) == {
        "resources": {"limits": None}
    }


def test_merging_with_empty_maps_gives_the_other_side() -> None:
    assert deep_merge({}, {"a": {"b": 1}}) == {"a": {"b": 1}}
    assert deep_merge({"a": {"b": 1}}, {}) == {"a": {"b": 1}}


def test_an_empty_override_map_leaves_the_base_map_as_it_was() -> None:
    assert deep_merge({"a": {"b": 1}}, {"a": {}}) == {"a": {"b": 1}}


def test_neither_input_is_changed_and_the_result_shares_nothing_with_them() -> None:
    base = {"a": {"b": [1]}}
    override = {"a": {"c": {"d": [2]}}}
    merged = deep_merge(base, override)
    merged["a"]["b"].append(9)
    merged["a"]["c"]["d"].append(9)
    assert base == {"a": {"b": [1]}}
    assert override == {"a": {"c": {"d": [2]}}}

"""The escape hatches as the rules read them: where every ``extraValues`` is,
every key below one, the value at a dotted key, and what a chart gets with
and without its ``extraValues``. Checked on configs built from YAML text and
on literal value trees."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.lint.hatches import chart_values, hatches, value_at, walk

GATEWAY_API_GW = ("{name: gw2, kind: ingress, api: gateway-api, "
                  "listeners: [{name: http, port: 80, protocol: HTTP}]}")


# --- hatches -----------------------------------------------------------------------------


def test_every_release_a_user_can_pass_values_to_is_listed_in_order() -> None:
    config = config_from(
        "istiod: {extraValues: {autoscaleMax: 9}}\n"
        "cni: {enabled: true, extraValues: {logging: {level: debug}}}\n"
        f"gateways: [{{name: gw, kind: ingress, extraValues: {{labels: {{a: b}}}}}}, {GATEWAY_API_GW}]\n")
    assert hatches(config) == [
        (("istiod", "extraValues"), {"autoscaleMax": 9}),
        (("cni", "extraValues"), {"logging": {"level": "debug"}}),
        (("ztunnel", "extraValues"), {}),
        (("gateways", 0, "extraValues"), {"labels": {"a": "b"}}),
        (("gateways", 1, "extraValues"), {}),
    ]


def test_with_revisions_each_revision_has_its_hatch_and_the_plain_istiod_none() -> None:
    config = config_from("revisions: [{name: a, extraValues: {autoscaleMax: 7}}, {name: b}]\ndefaultRevision: a\n")
    assert hatches(config) == [
        (("revisions", 0, "extraValues"), {"autoscaleMax": 7}),
        (("revisions", 1, "extraValues"), {}),
        (("cni", "extraValues"), {}),
        (("ztunnel", "extraValues"), {}),
    ]


# --- walk --------------------------------------------------------------------------------


def test_walk_visits_every_key_depth_first_in_key_order() -> None:
    values = {"b": {"y": 1, "x": {"z": None}}, "a": [1, 2]}
    assert list(walk(values)) == [
        (("a",), "a", [1, 2]),
        (("b",), "b", {"y": 1, "x": {"z": None}}),
        (("b", "x"), "x", {"z": None}),
        (("b", "x", "z"), "z", None),
        (("b", "y"), "y", 1),
    ]


def test_walk_does_not_enter_lists() -> None:
    assert [path for path, _, _ in walk({"list": [{"tag": "latest"}]})] == [("list",)]


def test_walk_of_nothing_yields_nothing() -> None:
    assert list(walk({})) == []


def test_walk_prefixes_the_path_it_is_given() -> None:
    assert list(walk({"k": 1}, ("istiod", "extraValues"))) == [(("istiod", "extraValues", "k"), "k", 1)]


# --- value_at ----------------------------------------------------------------------------

VALUES = {"meshConfig": {"outboundTrafficPolicy": {"mode": "ALLOW_ANY"}, "empty": None}}


def test_a_dotted_key_that_exists_gives_its_value() -> None:
    assert value_at(VALUES, "meshConfig.outboundTrafficPolicy.mode") == (True, "ALLOW_ANY")


def test_a_key_path_works_like_a_dotted_key() -> None:
    assert value_at(VALUES, ("meshConfig", "outboundTrafficPolicy")) == (True, {"mode": "ALLOW_ANY"})


def test_a_key_set_to_null_is_found_with_none() -> None:
    assert value_at(VALUES, "meshConfig.empty") == (True, None)


def test_a_missing_key_is_not_found() -> None:
    assert value_at(VALUES, "meshConfig.ca") == (False, None)


def test_a_key_below_a_scalar_is_not_found() -> None:
    assert value_at(VALUES, "meshConfig.outboundTrafficPolicy.mode.value") == (False, None)


# --- chart_values ------------------------------------------------------------------------


def test_istiod_values_are_given_without_and_with_its_extra_values() -> None:
    [(path, bare, merged)] = chart_values(config_from("istiod: {extraValues: {autoscaleMax: 9}}\n"))
    assert path == ("istiod", "extraValues")
    assert (bare["autoscaleMax"], merged["autoscaleMax"]) == (5, 9)


def test_every_release_with_extra_values_is_given_and_a_gateway_api_gateway_is_not() -> None:
    config = config_from(
        "istiod: {extraValues: {autoscaleMax: 9}}\n"
        "cni: {enabled: true, extraValues: {logging: {level: debug}}}\n"
        f"gateways: [{{name: gw, kind: ingress, extraValues: {{labels: {{a: b}}}}}}, {GATEWAY_API_GW}]\n")
    out = chart_values(config)
    assert [path for path, _, _ in out] == [("istiod", "extraValues"), ("cni", "extraValues"),
                                             ("gateways", 0, "extraValues")]
    _, cni_bare, cni_merged = out[1]
    assert ("logging" in cni_bare, cni_merged["logging"]) == (False, {"level": "debug"})
    _, gateway_bare, gateway_merged = out[2]
    assert ("labels" in gateway_bare, gateway_merged["labels"]) == (False, {"a": "b"})


def test_ztunnel_values_are_given_in_ambient_mode() -> None:
    config = config_from("istio: {profile: ambient}\ncni: {enabled: true}\n"
                         "ztunnel: {enabled: true, extraValues: {logLevel: debug}}\n")
    [(path, bare, merged)] = chart_values(config)
    assert path == ("ztunnel", "extraValues")
    assert merged["logLevel"] == "debug"
    assert bare.get("logLevel") != "debug"


def test_a_revision_with_extra_values_keeps_its_own_revision_in_both() -> None:
    config = config_from("revisions: [{name: a, extraValues: {autoscaleMax: 7}}, {name: b}]\ndefaultRevision: a\n")
    [(path, bare, merged)] = chart_values(config)
    assert path == ("revisions", 0, "extraValues")
    assert (bare["revision"], merged["revision"], bare["autoscaleMax"], merged["autoscaleMax"]) == ("a", "a", 5, 7)


def test_extra_values_of_a_disabled_cni_are_not_given() -> None:
    assert chart_values(config_from("cni: {enabled: false, extraValues: {logging: {level: debug}}}\n")) == []


def test_a_config_without_extra_values_gives_nothing() -> None:
    assert chart_values(config_from("environment: staging\n")) == []

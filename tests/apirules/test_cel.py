"""The Kubernetes CEL environment (istio_mesh.apirules.cel): a schema's
``x-kubernetes-validations`` rules found with their place, evaluated at every
value they describe with the Kubernetes extension functions. This file checks
the rule walk, each supplied function on a good and a bad input, and how a
false or failing rule is reported, on small hand-written schemas."""

from __future__ import annotations

from typing import Any

import pytest
from celpy.adapter import json_to_cel

from istio_mesh.apirules.cel import Rule, Violation, program, schema_rules, syntax_problem, violations

SPEC = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "x-kubernetes-validations": [
                {"rule": "self.replicas < 3", "message": "at most 2 replicas", "fieldPath": ".replicas"},
                {"rule": "self.replicas >= oldSelf.replicas", "message": "replicas only grow"},
            ],
            "properties": {
                "replicas": {"type": "integer"},
                "ports": {"type": "array", "items": {
                    "type": "object", "properties": {"name": {"type": "string"}},
                    "x-kubernetes-validations": [{"rule": "self.name.startsWith('http')"}]}},
                "labels": {"type": "object", "additionalProperties": {
                    "type": "string", "x-kubernetes-validations": [{"rule": "self != ''", "message": "not empty"}]}},
            },
        },
    },
}
"""A rule on an object (with a fieldPath), a transition rule, a rule on list
items (no message) and one on map values."""


def _evaluate(expression: str, value: Any) -> Any:
    return program(expression).evaluate({"self": json_to_cel(value)})


def _string_rule(rule: str, message: str = "") -> dict[str, Any]:
    return {"type": "string", "x-kubernetes-validations": [{"rule": rule, "message": message}]}


# -- schema_rules ---------------------------------------------------------------


def test_schema_rules_finds_each_rule_with_its_schema_path_and_field_path() -> None:
    assert schema_rules(SPEC) == [
        Rule(("spec",), "self.replicas < 3", "at most 2 replicas", ".replicas"),
        Rule(("spec", "ports", "[]"), "self.name.startsWith('http')", "", ""),
        Rule(("spec", "labels", "{}"), "self != ''", "not empty", ""),
    ]


def test_schema_rules_leaves_out_transition_rules() -> None:
    assert all("oldSelf" not in rule.rule for rule in schema_rules(SPEC))


def test_a_schema_without_rules_has_none() -> None:
    assert schema_rules({"type": "object", "properties": {"a": {"type": "string"}}}) == []


# -- syntax_problem -------------------------------------------------------------


def test_a_well_formed_expression_has_no_syntax_problem() -> None:
    assert syntax_problem("response.code >= 400 && request.headers['x'] == 'on'") is None


def test_an_unfinished_expression_is_not_cel_and_says_where_parsing_stopped() -> None:
    assert syntax_problem("a >=") == "not a CEL expression: cannot parse it at character 3"


# -- violations -----------------------------------------------------------------


def test_an_object_that_keeps_every_rule_has_no_violations() -> None:
    manifest = {"spec": {"replicas": 2, "ports": [{"name": "http-web"}], "labels": {"app": "web"}}}
    assert violations(schema_rules(SPEC), SPEC, manifest) == []


def test_each_broken_rule_is_reported_at_the_object_path_where_it_was_checked() -> None:
    manifest = {"spec": {"replicas": 3, "ports": [{"name": "http"}, {"name": "grpc"}],
                         "labels": {"app": "web", "tier": ""}}}
    assert violations(schema_rules(SPEC), SPEC, manifest) == [
        Violation(("spec", "replicas"), "at most 2 replicas", "self.replicas < 3"),
        Violation(("spec", "ports", 1), "fails the rule self.name.startsWith('http')",
                  "self.name.startsWith('http')"),
        Violation(("spec", "labels", "tier"), "not empty", "self != ''"),
    ]


def test_a_rule_whose_node_the_object_does_not_reach_is_not_evaluated() -> None:
    assert violations(schema_rules(SPEC), SPEC, {"metadata": {"name": "x"}}) == []


def test_a_rule_that_fails_to_evaluate_refuses_the_object_with_the_reason() -> None:
    schema = _string_rule("self.substring(2, 10) == 'x'", "too short")
    [found] = violations(schema_rules(schema), schema, "abc")
    assert found.path == ()
    assert found.message.startswith("too short (the rule fails to evaluate: ")
    assert "substring(2, 10) out of range" in found.message


def test_a_rule_that_does_not_evaluate_to_a_boolean_is_a_violation() -> None:
    schema = _string_rule("self.size()")
    assert violations(schema_rules(schema), schema, "abc") == [
        Violation((), "fails the rule self.size()", "self.size()")]


def test_a_property_named_like_a_cel_reserved_word_is_read_escaped() -> None:
    schema = {"type": "object", "properties": {"namespace": {"type": "string"}},
              "x-kubernetes-validations": [{"rule": "self.__namespace__ == 'shop'", "message": "shop only"}]}
    assert violations(schema_rules(schema), schema, {"namespace": "shop"}) == []
    assert violations(schema_rules(schema), schema, {"namespace": "web"}) == [
        Violation((), "shop only", "self.__namespace__ == 'shop'")]


# -- the Kubernetes functions ----------------------------------------------------


@pytest.mark.parametrize(("expression", "value", "expected"), [
    pytest.param("self.substring(1, 3)", "hello", "el", id="substring"),
    pytest.param("self.substring(2)", "hello", "llo", id="substring-to-the-end"),
    pytest.param("self.split('.')", "a.b.c", ["a", "b", "c"], id="split"),
    pytest.param("self.split('.', 2)", "a.b.c", ["a", "b.c"], id="split-with-a-limit"),
    pytest.param("self.split('.', 0)", "a.b.c", [], id="split-limit-zero"),
    pytest.param("url(self).getScheme()", "https://user@mesh.example.com:8443/p", "https", id="get-scheme"),
    pytest.param("url(self).getHost()", "https://user@mesh.example.com:8443/p", "mesh.example.com:8443",
                 id="get-host-without-the-user"),
])
def test_a_string_function_returns_what_kubernetes_returns(expression: str, value: str, expected: Any) -> None:
    assert _evaluate(expression, value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("https://mesh.example.com/p", True, id="absolute-url"),
    pytest.param("mesh.example.com/p", False, id="no-scheme"),
    pytest.param("https://mesh example.com", False, id="a-space"),
])
def test_is_url_accepts_only_an_absolute_url(value: str, expected: bool) -> None:
    assert _evaluate("isURL(self)", value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("10.0.0.1", True, id="ipv4"),
    pytest.param("2001:db8::1", True, id="ipv6"),
    pytest.param("::ffff:10.0.0.1", False, id="ipv4-mapped-ipv6"),
    pytest.param("fe80::1%eth0", False, id="zone"),
    pytest.param("mesh.example.com", False, id="host-name"),
])
def test_is_ip_accepts_plain_ipv4_and_ipv6_addresses_only(value: str, expected: bool) -> None:
    assert _evaluate("isIP(self)", value) == expected


def test_url_of_a_string_that_is_not_a_url_fails_to_evaluate() -> None:
    schema = _string_rule("url(self).getScheme() == 'https'", "needs a URL")
    [found] = violations(schema_rules(schema), schema, "not a url")
    assert "not a URL: " in found.message


def test_ip_of_a_host_name_fails_to_evaluate() -> None:
    schema = _string_rule("ip(self) == '10.0.0.1'", "needs an address")
    [found] = violations(schema_rules(schema), schema, "db.example.com")
    assert "not an IP address: " in found.message


def test_program_compiles_each_expression_once() -> None:
    assert program("self == 'x'") is program("self == 'x'")

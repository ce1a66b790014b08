"""Exact text for YAML that PyYAML reads into something no setting can hold.

Each case was an unexpected exception (ValueError, KeyError, AttributeError,
TypeError, RecursionError) or a crash later in synthesis before the loader
learnt to refuse it; the fuzz tests found most of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import error_for

from fleet_form import fleet_error_for, in_fleet
from istio_mesh.config.errors import ConfigError, format_path
from istio_mesh.config.loader import parse_config



CASES = [
        pytest.param(
            "istiod: {replicas: " + "1" * 5000 + "}",
            "config/prod.yaml: YAML syntax error at line 1, column 20: cannot read "
            "'1111111111111111111111111111111111111111111111111111111111111111111111111111... "
            "as !!int",
            id="integer-over-4300-digits",
        ),
        pytest.param(
            "istiod: {replicas: 0x" + "f" * 40 + "}",
            "config/prod.yaml: istiod.replicas: got an integer of about 48 digits (integer); "
            "must fit in 64 bits",
            id="integer-over-64-bits",
        ),
        pytest.param(
            "istio: {version: 2001-13-45}",
            "config/prod.yaml: YAML syntax error at line 1, column 18: cannot read "
            "'2001-13-45' as !!timestamp",
            id="impossible-date",
        ),
        pytest.param(
            "cni: {enabled: !!bool maybe}",
            "config/prod.yaml: YAML syntax error at line 1, column 16: cannot read 'maybe' as !!bool",
            id="tagged-bool",
        ),
        pytest.param(
            "istiod: {extraValues: {x: !!timestamp tomorrow}}",
            "config/prod.yaml: YAML syntax error at line 1, column 27: cannot read 'tomorrow' "
            "as !!timestamp",
            id="tagged-timestamp",
        ),
        pytest.param(
            "istiod: {extraValues: {? [a, b] : c}}",
            "config/prod.yaml: YAML syntax error at line 1, column 26: found unhashable key",
            id="list-as-key",
        ),
        pytest.param(
            "istiod: {extraValues: {x: " + "[" * 3000 + "]" * 3000 + "}}",
            "config/prod.yaml: YAML syntax error: lists and mappings are nested too deeply to read",
            id="nesting-beyond-the-parser",
        ),
        pytest.param(
            "istiod: {extraValues: {x: " + "[" * 70 + "]" * 70 + "}}",
            "config/prod.yaml: istiod.extraValues.x" + "[0]" * 61 + ": nested more than 64 "
            "levels deep",
            id="nesting-beyond-the-limit",
        ),
        pytest.param(
            "mtls: {namespaceOverrides: {1: STRICT}}",
            "config/prod.yaml: mtls.namespaceOverrides: key 1 (integer) is not a string: "
            "put it in quotes",
            id="integer-key",
        ),
        pytest.param(
            "namespaces: [{name: shop, create: true, labels: {on: x}}]",
            "config/prod.yaml: namespaces[0].labels: key True (boolean) is not a string: put "
            "it in quotes (YAML reads yes/no/on/off as booleans)",
            id="boolean-key",
        ),
        pytest.param(
            "~: 1",
            "config/prod.yaml: (top level): key null (null) is not a string: put it in quotes",
            id="null-key",
        ),
        pytest.param(
            "istiod: {extraValues: {startedAt: 2024-01-01}}",
            "config/prod.yaml: istiod.extraValues.startedAt: got 2024-01-01 (date); YAML reads "
            "an unquoted date as a timestamp: put it in quotes",
            id="unquoted-date",
        ),
        pytest.param(
            "istiod: {extraValues: {ratio: .nan, max: -.inf}}",
            "config/prod.yaml: istiod.extraValues.ratio: got .nan (number); must be a finite number\n"
            "config/prod.yaml: istiod.extraValues.max: got -.inf (number); must be a finite number",
            id="not-finite",
        ),
        pytest.param(
            "istiod: {extraValues: !!set {a, b}}",
            "config/prod.yaml: istiod.extraValues: got a !!set value; allowed: strings, numbers, "
            "booleans, null, lists and mappings",
            id="set",
        ),
        pytest.param(
            "istio: {version: !!binary aGVsbG8=}",
            "config/prod.yaml: istio.version: got a !!binary value; allowed: strings, numbers, "
            "booleans, null, lists and mappings",
            id="binary",
        ),
        pytest.param(
            'istiod: {extraValues: {x: "\\ud800"}}',
            "config/prod.yaml: istiod.extraValues.x: contains an unpaired surrogate escape such "
            'as "\\ud800", which is not text; write the character itself',
            id="lone-surrogate",
        ),
        pytest.param(
            "istiod: {replicas: 2}\n\x00",
            "config/prod.yaml: YAML syntax error at line 2, column 1: unacceptable character "
            "#x0000: special characters are not allowed",
            id="control-character",
        ),
        pytest.param(
            'istiod: {"replica count": 2}',
            "config/prod.yaml: istiod['replica count']: unknown key; allowed keys: autoscaling, "
            "extraValues, placement, replicas, resources, spread (did you mean 'replicas'?)",
            id="key-with-a-space",
        ),
        pytest.param(
            'istiod: {"replicas\\n": 2}',
            "config/prod.yaml: istiod['replicas\\n']: unknown key; allowed keys: autoscaling, "
            "extraValues, placement, replicas, resources, spread (did you mean 'replicas'?)",
            id="key-with-a-line-break",
        ),
        pytest.param(
            "mtls: {namespaceOverrides: {Bad_NS: STRICT}}",
            "config/prod.yaml: mtls.namespaceOverrides.Bad_NS: got 'Bad_NS'; must be a DNS-1123 "
            "label: lowercase letters, digits and '-', starting and ending with a letter or "
            "digit, at most 63 characters",
            id="invalid-map-key",
        ),
        pytest.param(
            "istio: {version: '" + "9" * 200 + "'}",
            "config/prod.yaml: istio.version: got '999999999999999999999999999999999999999999999"
            "9999999999999999999999999999999...; must be a release version such as '1.30.3'",
            id="long-value-is-clipped",
        ),
        pytest.param(
            "istiod: {extraValues: {a: &l [1, *l]}}",
            "config/prod.yaml: YAML syntax error at line 1, column 27: found unconstructable "
            "recursive node",
            id="recursive-alias",
        ),
        pytest.param(
            "istiod:\n  extraValues:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"    a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 6)),
            "config/prod.yaml: (top level): more than 100000 values once YAML aliases are "
            "expanded; a config is a few hundred",
            id="alias-bomb",
        ),
    ]



@pytest.mark.parametrize(("text", "message"), CASES)
def test_error_text(text: str, message: str) -> None:
    assert error_for(text) == message


@pytest.mark.parametrize(("text", "message"), CASES)
def test_error_text_in_a_fleet_cluster(tmp_path: Path, text: str, message: str) -> None:
    assert fleet_error_for(tmp_path, text) == in_fleet(message)


def test_a_top_level_integer_is_named_with_the_right_article() -> None:
    assert error_for("42") == (
        "config/prod.yaml: expected a mapping of settings at the top level, got an integer")


def test_merge_keys_share_settings_and_later_keys_win() -> None:
    config = parse_config(
        "gateways:\n"
        "  - {name: a, kind: ingress, <<: &common {replicas: 2, autoscaling: {enabled: false}}}\n"
        "  - {name: b, kind: egress, <<: *common, replicas: 3}\n",
        "config/prod.yaml",
    )
    assert [(g.name, g.replicas, g.autoscaling.enabled) for g in config.gateways] == [
        ("a", 2, False), ("b", 3, False)]


def test_a_key_written_twice_is_still_refused_beside_a_merge() -> None:
    assert error_for("istiod: {<<: {replicas: 1}, replicas: 2, replicas: 3}") == (
        "config/prod.yaml: YAML syntax error at line 1, column 42: duplicate key 'replicas' "
        "(first at line 1)")


def test_too_many_problems_are_summarised() -> None:
    text = "istiod: {extraValues: {" + ", ".join(f"k{i}: .nan" for i in range(25)) + "}}"
    lines = error_for(text).splitlines()
    assert len(lines) == 21
    assert lines[-1] == "config/prod.yaml: (top level): 5 more problems like these"


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("gateways", 0, "service", "type"), "gateways[0].service.type"),
        (("namespaces", 0, "labels", "app.kubernetes.io/name"), "namespaces[0].labels.app.kubernetes.io/name"),
        (("istiod", "a b"), "istiod['a b']"),
        (("istiod", ""), "istiod['']"),
        (("x\n",), "['x\\n']"),
    ],
)
def test_field_paths_stay_on_one_line(loc: tuple[str | int, ...], path: str) -> None:
    assert format_path(loc) == path

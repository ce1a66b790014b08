"""The Kubernetes CEL environment: the CRDs' ``x-kubernetes-validations``
rules evaluated as the API server evaluates them.

cel-python evaluates standard CEL. The rules also call functions of the
Kubernetes CEL environment, supplied here: ``substring`` and ``split``
(cel-go's strings extension), ``url``/``isURL``/``getScheme``/``getHost``
(Kubernetes' URL library) and ``isIP``/``ip`` (its IP library). A rule is
checked at every value its schema node describes (walking ``properties``,
``additionalProperties`` and ``items`` together with the object), with
``self`` bound to that value; a rule that does not evaluate to true, or fails
to evaluate, is a violation, as for the API server. Transition rules (those
reading ``oldSelf``) need the previous object and are left out.

cel-python builds its parser once per process (a few tenths of a second), so
it is imported only when a rule is first compiled, and each rule is compiled
once per process.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from celpy import Runner

# Kubernetes escapes a property name that is a CEL reserved word as __name__
# (apiserver/pkg/cel/escaping.go); the rules read such properties that way.
_RESERVED = frozenset({
    "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
    "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
    "void", "while",
})


@dataclass(frozen=True)
class Rule:
    """One ``x-kubernetes-validations`` entry and where it sits in the schema:
    properties by name, map values as ``{}``, list items as ``[]``."""

    schema_path: tuple[str, ...]
    rule: str
    message: str
    field_path: str = ""
    """The rule's own ``fieldPath`` (relative to where it sits), when it names one."""


@dataclass(frozen=True)
class Violation:
    """A rule an object breaks, at the object path where it was checked."""

    path: tuple[str | int, ...]
    message: str
    rule: str


def _functions() -> dict[str, Any]:
    from celpy import celtypes

    class Url(celtypes.StringType):
        """What ``url(s)`` returns: a string that knows it is a URL."""

    def substring(text: Any, start: Any, end: Any = None) -> Any:
        low, high = int(start), len(text) if end is None else int(end)
        if not 0 <= low <= high <= len(text):
            raise ValueError(f"substring({low}, {high}) out of range for {text!r}")
        return celtypes.StringType(str(text)[low:high])

    def split(text: Any, separator: Any, limit: Any = None) -> Any:
        parts = str(text).split(str(separator)) if limit is None or int(limit) < 0 else (
            str(text).split(str(separator), max(int(limit) - 1, 0)) if int(limit) else [])
        return celtypes.ListType([celtypes.StringType(p) for p in parts])

    def is_url(text: Any) -> Any:
        # Kubernetes' isURL: Go's url.Parse accepts it (an absolute URL here).
        parts = urlsplit(str(text))
        return celtypes.BoolType(bool(parts.scheme) and not any(c.isspace() for c in str(text)))

    def url(text: Any) -> Any:
        if not is_url(text):
            raise ValueError(f"not a URL: {text!r}")
        return Url(str(text))

    def get_scheme(value: Any) -> Any:
        return celtypes.StringType(urlsplit(str(value)).scheme)

    def get_host(value: Any) -> Any:
        return celtypes.StringType(urlsplit(str(value)).netloc.rpartition("@")[2])

    def is_ip(text: Any) -> Any:
        # Kubernetes' isIP: an IPv4 or IPv6 address, no zone, no IPv4-mapped IPv6.
        try:
            address = ipaddress.ip_address(str(text))
        except ValueError:
            return celtypes.BoolType(False)
        mapped = isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None
        return celtypes.BoolType(not mapped and "%" not in str(text))

    def ip(text: Any) -> Any:
        if not is_ip(text):
            raise ValueError(f"not an IP address: {text!r}")
        return celtypes.StringType(str(text))

    return {
        "substring": substring, "split": split, "isURL": is_url, "url": url,
        "getScheme": get_scheme, "getHost": get_host, "isIP": is_ip, "ip": ip,
    }


@functools.cache
def _environment() -> tuple[Any, dict[str, Any]]:
    import celpy

    return celpy.Environment(), _functions()


@functools.cache
def program(expression: str) -> Runner:
    """``expression`` compiled once per process, with the Kubernetes functions."""
    environment, functions = _environment()
    runner: Runner = environment.program(environment.compile(expression), functions=functions)
    return runner


def syntax_problem(expression: str) -> str | None:
    """Why ``expression`` is not CEL (where the parser stopped), or None."""
    from celpy.celparser import CELParseError

    environment, _ = _environment()
    try:
        environment.compile(expression)
    except CELParseError as exc:
        column = getattr(exc, "column", None)
        return f"not a CEL expression: cannot parse it at character {column}" if column else (
            "not a CEL expression: cannot parse it")
    return None


def schema_rules(schema: Mapping[str, Any]) -> list[Rule]:
    """Every rule of an ``openAPIV3Schema`` but transition rules, with its path."""
    found: list[Rule] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if not isinstance(node, Mapping):
            return
        for entry in node.get("x-kubernetes-validations") or ():
            if "oldSelf" not in entry["rule"]:
                found.append(Rule(path, entry["rule"], entry.get("message", ""),
                                  entry.get("fieldPath", "")))
        for name, sub in (node.get("properties") or {}).items():
            walk(sub, (*path, name))
        if isinstance(node.get("additionalProperties"), Mapping):
            walk(node["additionalProperties"], (*path, "{}"))
        if isinstance(node.get("items"), Mapping):
            walk(node["items"], (*path, "[]"))

    walk(schema, ())
    return found


def _values_at(value: Any, schema: Mapping[str, Any], schema_path: tuple[str, ...],
               where: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any, Mapping[str, Any]]]:
    """The object's values that the schema node at ``schema_path`` describes,
    with their object path and that schema node."""
    if not schema_path:
        yield where, value, schema
        return
    step, rest = schema_path[0], schema_path[1:]
    if step == "[]" and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _values_at(item, schema.get("items") or {}, rest, (*where, i))
    elif step == "{}" and isinstance(value, Mapping):
        for key, item in value.items():
            yield from _values_at(item, schema.get("additionalProperties") or {}, rest, (*where, str(key)))
    elif isinstance(value, Mapping) and step in value:
        yield from _values_at(value[step], (schema.get("properties") or {}).get(step) or {}, rest,
                              (*where, step))


def _escaped(value: Any, schema: Mapping[str, Any]) -> Any:
    """``value`` with the property names Kubernetes escapes written as the
    rules read them (``namespace`` -> ``__namespace__``)."""
    if isinstance(value, Mapping):
        declared = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        out = {}
        for key, sub in value.items():
            if key in declared:
                name = f"__{key}__" if key in _RESERVED else key
                out[name] = _escaped(sub, declared[key])
            else:
                out[key] = _escaped(sub, extra if isinstance(extra, Mapping) else {})
        return out
    if isinstance(value, list):
        items = schema.get("items")
        return [_escaped(sub, items if isinstance(items, Mapping) else {}) for sub in value]
    return value


def violations(rules: list[Rule], schema: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[Violation]:
    """Every violation of ``rules`` (from ``schema``) anywhere in ``manifest``.
    Rules are compiled only for the schema nodes the object reaches."""
    from celpy import celtypes
    from celpy.adapter import json_to_cel

    found: list[Violation] = []
    for rule in rules:
        for where, value, node in _values_at(manifest, schema, rule.schema_path):
            at = (*where, *[p for p in rule.field_path.lstrip(".").split(".") if p])
            try:
                result = program(rule.rule).evaluate({"self": json_to_cel(_escaped(value, node))})
            except Exception as exc:  # an evaluation error refuses the object too
                found.append(Violation(at, f"{rule.message} (the rule fails to evaluate: {exc})", rule.rule))
                continue
            if isinstance(result, Exception) or not (
                    isinstance(result, (bool, celtypes.BoolType)) and bool(result)):
                found.append(Violation(at, rule.message or f"fails the rule {rule.rule}", rule.rule))
    return found

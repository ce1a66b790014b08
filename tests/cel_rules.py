"""The CEL rules (``x-kubernetes-validations``) of Istio's real CRDs,
evaluated as the API server would at apply.

The rules are read here from the vendored CRD file (not from the package's
data); each is compiled by the package's Kubernetes CEL environment
(:func:`istio_mesh.apirules.cel.program`: cel-python plus the Kubernetes
functions the rules call, such as ``substring`` and ``url``). A rule is
checked at every value its schema node describes (walking ``properties``,
``additionalProperties`` and ``items`` together with the object), with ``self`` bound to that value; a rule that does not evaluate to
true, or fails to evaluate, is a violation, as for the API server.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import celpy
from celpy import celtypes

from istio_mesh.apirules.cel import program
from istio_reference import crds


@dataclass(frozen=True)
class Rule:
    """One ``x-kubernetes-validations`` entry and where it sits in the schema."""

    kind: str
    version: str
    schema_path: tuple[str, ...]
    rule: str
    message: str


@dataclass(frozen=True)
class Violation:
    """A rule an object breaks, at the object path where it was checked."""

    path: str
    message: str
    rule: str


def rules(reference: Path, group: str, kind: str, version: str) -> list[Rule]:
    """Every CEL rule of one served version of one CRD."""
    crd = crds(reference)[(group, kind)]
    served = {v["name"]: v for v in crd["spec"]["versions"]}
    return schema_rules(served[version]["schema"]["openAPIV3Schema"], kind, version)


def schema_rules(schema: Mapping[str, Any], kind: str, version: str) -> list[Rule]:
    """Every CEL rule (``x-kubernetes-validations``) in an openAPIV3Schema, with
    its path: properties by name, map values as ``{}``, list items as ``[]``."""
    found: list[Rule] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if not isinstance(node, Mapping):
            return
        for entry in node.get("x-kubernetes-validations") or ():
            found.append(Rule(kind, version, path, entry["rule"], entry.get("message", "")))
        for name, sub in (node.get("properties") or {}).items():
            walk(sub, (*path, name))
        if isinstance(node.get("additionalProperties"), Mapping):
            walk(node["additionalProperties"], (*path, "{}"))
        if isinstance(node.get("items"), Mapping):
            walk(node["items"], (*path, "[]"))

    walk(schema, ())
    return found


def _values_at(value: Any, schema_path: tuple[str, ...], where: str = "") -> Iterator[tuple[str, Any]]:
    """The object's values that a schema node at ``schema_path`` describes."""
    if not schema_path:
        yield where or "(root)", value
        return
    step, rest = schema_path[0], schema_path[1:]
    if step == "[]" and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _values_at(item, rest, f"{where}[{i}]")
    elif step == "{}" and isinstance(value, Mapping):
        for key, item in value.items():
            yield from _values_at(item, rest, f"{where}.{key}" if where else str(key))
    elif isinstance(value, Mapping) and step in value:
        yield from _values_at(value[step], rest, f"{where}.{step}" if where else step)


def evaluate(rule: Rule, manifest: Mapping[str, Any]) -> Iterator[Violation]:
    """Violations of ``rule`` anywhere in ``manifest``."""
    for where, value in _values_at(manifest, rule.schema_path):
        try:
            result = program(rule.rule).evaluate({"self": celpy.json_to_cel(value)})
        except Exception as exc:  # an evaluation error refuses the object too
            yield Violation(where, f"{rule.message} (evaluation failed: {exc})", rule.rule)
            continue
        if isinstance(result, Exception) or not (isinstance(result, (bool, celtypes.BoolType))
                                                 and bool(result)):
            yield Violation(where, rule.message, rule.rule)


def cel_violations(reference: Path, manifest: Mapping[str, Any]) -> list[Violation]:
    """Every CEL rule of the manifest's kind and version that it breaks."""
    group, _, version = manifest["apiVersion"].rpartition("/")
    return [v for rule in rules(reference, group, manifest["kind"], version)
            for v in evaluate(rule, manifest)]

"""Check an Istio object against the pinned release's CRDs, as the API server would.

One difference on purpose: the API server silently prunes fields a schema
does not declare, which would hide a misspelt policy field, so here every
object with declared properties refuses unknown ones unless the CRD says it
preserves them. CEL rules (x-kubernetes-validations) are not evaluated here:
:mod:`istio_mesh.admission` evaluates them for every generated object, and
``check`` runs it before the linter.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema

from istio_mesh.apirules.openapi import to_json_schema
from istio_mesh.lint.refdata import reference_data


@dataclass(frozen=True)
class Problem:
    """Why an object would be refused: which rule, where in the object, what."""

    rule: str
    path: tuple[str | int, ...]
    message: str


@functools.cache
def _validator(kind_key: str, index: int) -> jsonschema.Draft7Validator:
    crd = reference_data()["crds"][kind_key]
    schema = dict(to_json_schema(crd["schemas"][index]))
    # The API server checks these itself; the CRD schema does not declare them.
    schema["properties"] = {**schema.get("properties", {}),
                            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                            "metadata": {"type": "object"}}
    return jsonschema.Draft7Validator(schema)


def preferred_version(group: str, kind: str) -> str:
    """v1 where the kind serves it, else its newest served version."""
    versions = reference_data()["crds"][f"{group}/{kind}"]["versions"]
    return "v1" if "v1" in versions else sorted(versions)[-1]


def known_kinds() -> list[str]:
    """``<group>/<kind>`` of every CRD in the pinned release."""
    return sorted(reference_data()["crds"])


def resource_problems(manifest: Mapping[str, Any]) -> list[Problem]:
    """Every reason the pinned release would refuse ``manifest``, or []."""
    api_version, kind = str(manifest.get("apiVersion", "")), str(manifest.get("kind", ""))
    group, _, version = api_version.rpartition("/")
    key = f"{group}/{kind}"
    crds = reference_data()["crds"]
    crd = crds.get(key)
    if crd is None:
        same_kind = [k for k in crds if k.endswith(f"/{kind}")]
        if same_kind:
            hint = f"; {kind} is in {same_kind[0].rpartition('/')[0]}"
        else:
            close = difflib.get_close_matches(kind, [k.rpartition("/")[2] for k in crds], n=1)
            hint = f" (did you mean {close[0]!a}?)" if close else ""
        return [Problem("unknown-kind", ("kind",),
                        f"{group} has no kind {kind!a} in Istio {reference_data()['istioVersion']}{hint}")]
    versions: dict[str, int] = crd["versions"]
    if version not in versions:
        return [Problem("unknown-version", ("apiVersion",),
                        f"{kind} does not serve {version!a}; served: {', '.join(sorted(versions))}")]
    problems: list[Problem] = []
    if version != "v1" and "v1" in versions:
        problems.append(Problem("old-api-version", ("apiVersion",),
                                f"{api_version} is an older version of {kind}; v1 is served"))
    errors = sorted(_validator(key, versions[version]).iter_errors(dict(manifest)),
                    key=lambda e: (list(map(str, e.absolute_path)), e.message))
    problems += [Problem("crd-schema", tuple(e.absolute_path), e.message) for e in errors]
    problems += [Problem("empty-value", path, "is empty; kubernetes_manifest reports an "
                         "inconsistent result after apply for empty maps and lists")
                 for path in _empty_values(manifest.get("spec"), ("spec",))]
    return problems


def _empty_values(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, Mapping):
        if not value:
            yield path
        for key, sub in value.items():
            yield from _empty_values(sub, (*path, str(key)))
    elif isinstance(value, list):
        if not value:
            yield path
        for i, sub in enumerate(value):
            yield from _empty_values(sub, (*path, i))

"""A CRD's ``openAPIV3Schema`` checked as the API server checks it.

The schema becomes a JSON Schema (``x-kubernetes-int-or-string`` and
``nullable`` translated) that also refuses the fields the API server would
prune silently, which would hide a misspelt field; the API server's
defaulting is applied before the CEL rules run, as it does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema


def to_json_schema(schema: Any) -> Any:
    """An openAPIV3Schema as a JSON Schema that also refuses unknown fields."""
    if isinstance(schema, list):
        return [to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: to_json_schema(v) for k, v in schema.items()
           if not k.startswith("x-kubernetes-") and k not in ("nullable", "description")}
    if schema.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if ("properties" in schema and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def object_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a whole object: the API server checks apiVersion,
    kind and metadata itself; the CRD schema need not declare them."""
    out = dict(to_json_schema(dict(schema)))
    out["properties"] = {**out.get("properties", {}),
                         "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                         "metadata": {"type": "object"}}
    return out


_VALIDATORS: dict[int, tuple[Mapping[str, Any], jsonschema.Draft7Validator]] = {}


def validator(schema: Mapping[str, Any]) -> jsonschema.Draft7Validator:
    """A validator for ``schema``, built once per process per schema object
    (the CRD readers hand out one object per served version)."""
    cached = _VALIDATORS.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, jsonschema.Draft7Validator(object_schema(schema)))
        _VALIDATORS[id(schema)] = cached
    return cached[1]


def _message(error: jsonschema.ValidationError) -> str:
    """What the schema allows, without echoing the (possibly long) value."""
    keyword, limit = error.validator, error.validator_value
    wording = {
        "maxItems": f"at most {limit} items are allowed",
        "minItems": f"at least {limit} items are needed",
        "maxLength": f"at most {limit} characters are allowed",
        "minLength": f"at least {limit} characters are needed",
        "maximum": f"at most {limit} is allowed",
        "minimum": f"at least {limit} is allowed",
        "pattern": f"must match {limit}",
        "enum": f"must be one of {', '.join(map(str, limit)) if isinstance(limit, list) else limit}",
        "type": f"must be of type {limit}",
        "maxProperties": f"at most {limit} entries are allowed",
    }
    if keyword in wording:
        return wording[str(keyword)]
    if keyword == "additionalProperties" and isinstance(error.instance, Mapping):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        declared = schema.get("properties") or {}
        unknown = sorted(str(k) for k in error.instance if k not in declared)
        return (f"unknown field {', '.join(map(repr, unknown))} (the API server would drop "
                f"it silently)")
    text = error.message
    return text if len(text) <= 200 else text[:197] + "..."


def schema_problems(schema: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """(object path, what the schema allows) for every way ``manifest`` breaks ``schema``."""
    errors = sorted(validator(schema).iter_errors(dict(manifest)),
                    key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [(tuple(e.absolute_path), _message(e)) for e in errors]


def with_defaults(schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` with the schema's ``default``s filled in, as the API server
    does before it evaluates CEL rules (a rule may read a defaulted field,
    such as a parentRef's ``group``)."""
    if isinstance(value, Mapping):
        declared = schema.get("properties") or {}
        out = {key: with_defaults(declared.get(key, {}), sub) for key, sub in value.items()}
        for key, sub in declared.items():
            if key not in out and "default" in sub:
                out[key] = with_defaults(sub, sub["default"])
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [with_defaults(schema["items"], item) for item in value]
    return value

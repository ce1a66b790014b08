"""Pydantic's validation errors in the user's words: one ``<field path>:
<problem>`` line each, with the keys spelled as in YAML and the allowed keys,
values or bounds found by walking the model classes from the file's root model.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from istio_mesh.config.base import models_in
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.document import yaml_type as _yaml_type
from istio_mesh.config.errors import RuleViolation, format_path
from istio_mesh.config.reader import clipped as _clipped


def describe_validation_error(
    exc: ValidationError, root: type[BaseModel] = MeshConfig
) -> list[str]:
    """One ``<field path>: <problem>`` line per pydantic error, in the user's
    spelling; ``root`` is the model that validated the whole document."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = _user_loc(root, error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, RuleViolation):
            problems.append(f"{format_path((*loc, *cause.path))}: {cause.message}")
            continue
        if error["type"] == "union_tag_invalid":
            loc = (*loc, error["ctx"]["discriminator"].strip("'"))
        problems.append(
            f"{format_path(loc) or '(top level)'}: {_describe(root, error, tuple(error['loc']))}"
        )
    return problems


@cache
def _union_tags(root: type[BaseModel]) -> Mapping[str, frozenset[object]]:
    """Top-level fields that are discriminated unions, with their members' tags.

    A function of the model class alone, which never changes: worked out once
    per class, not once per error."""
    out: dict[str, frozenset[object]] = {}
    for name, field in root.model_fields.items():
        members = models_in(field.annotation)
        tags = frozenset(tag for m in members if (tag := _tag_of(m)) is not None)
        if len(members) > 1 and tags:
            out[field.alias or name] = tags
    return out


def _user_loc(root: type[BaseModel], loc: Sequence[str | int]) -> tuple[str | int, ...]:
    # Discriminated unions add the tag to the location ("connection",
    # "kubeconfig", "context"); the user never wrote it.
    unions = _union_tags(root)
    # A dict key that fails validation gets "[key]" after it; the path to the
    # key already says where.
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if i and part in unions.get(str(loc[i - 1]), ()):
            continue
        if part == "[key]":
            continue
        out.append(part)
    return tuple(out)


def _describe(root: type[BaseModel], error: Any, loc: tuple[str | int, ...]) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        text = f"unknown key; allowed keys: {', '.join(allowed)}"
        return text + (f" (did you mean {hint[0]!a}?)" if hint else "")
    if kind == "missing":
        return "required key is missing"
    if kind == "union_tag_invalid":
        return f"got {_clipped(error['ctx']['tag'])}; allowed: {error['ctx']['expected_tags']}"
    if kind in ("greater_than", "less_than"):
        # An exclusive bound (gt/lt): the field's ge/le bounds cannot say it.
        word, bound = ("more", "gt") if kind == "greater_than" else ("less", "lt")
        return f"got {_clipped(value)}; allowed: {word} than {error['ctx'][bound]}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"got {_clipped(value)}; allowed: {_bounds(root, loc)}"
    if kind == "string_type" and isinstance(value, (int, float)):
        return f"got {_clipped(value)} ({_yaml_type(value)}); must be a string: put it in quotes"
    if kind == "value_error":
        return f"got {_clipped(value)}; {error['ctx']['error']}"
    message = error["msg"]
    if message.startswith("Input should be "):
        message = message[len("Input should be ") :]
        text = f"got {_clipped(value)} ({_yaml_type(value)}); must be {message}"
        if isinstance(value, bool) and kind in ("enum", "literal_error", "string_type"):
            text += " (YAML reads yes/no/on/off as booleans: put the value in quotes)"
        return text
    return f"got {_clipped(value)}; {message}"


def _bounds(root: type[BaseModel], loc: Sequence[str | int]) -> str:
    field = _field_at(root, loc)
    low = high = None
    for rule in field.metadata if field else ():
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _model_at(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (pydantic's raw
    location, in which a discriminated union's tag picks the member and a
    mapping of models, such as a fleet's meshes, adds the user's key)."""
    candidates: list[type[BaseModel]] = [root]
    keyed = False
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        tagged = [m for m in candidates if _tag_of(m) == part]
        if tagged:
            candidates = tagged
            continue
        field = next((f for m in candidates if (f := _field_of(m, part))), None)
        candidates = models_in(field.annotation) if field else []
        keyed = field is not None and get_origin(field.annotation) is dict
    return candidates[0] if candidates else None


def _tag_of(model: type[BaseModel]) -> object:
    """The value of a union member's one-value ``mode`` or ``type`` field."""
    for key in ("mode", "type"):
        field = model.model_fields.get(key)
        args: tuple[object, ...] = getattr(field.annotation, "__args__", ()) if field else ()
        if len(args) == 1:
            return args[0]
    return None


def _field_of(model: type[BaseModel], key: str) -> FieldInfo | None:
    return next((f for n, f in model.model_fields.items() if key in (n, f.alias)), None)


def _field_at(root: type[BaseModel], loc: Sequence[str | int]) -> FieldInfo | None:
    keys = [p for p in loc if isinstance(p, str)]
    model = _model_at(root, loc[: len(loc) - 1 - loc[::-1].index(keys[-1])]) if keys else None
    return _field_of(model, keys[-1]) if model else None


def _allowed_keys(root: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The YAML keys accepted at ``loc``, found by walking the model classes."""
    model = _model_at(root, loc)
    if model is None:
        return []
    return sorted(f.alias or n for n, f in model.model_fields.items())

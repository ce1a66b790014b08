"""Generate docs/config-reference.md from the config models.

The models are the one source of truth for keys, types, defaults and
descriptions; a test fails when the committed file differs from this output.
Run ``.venv/bin/python -m istio_mesh.reference > docs/config-reference.md``.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from istio_mesh.config.base import models_in
from istio_mesh.config.models import MeshConfig


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return " \\| ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(a) for a in args if a is not type(None)) + (
            " \\| null" if type(None) in args else "")
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map of {_type_name(args[0])} to {_type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " \\| ".join(repr(m.value) for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    return {str: "string", int: "integer", float: "number", bool: "boolean"}.get(
        annotation, getattr(annotation, "__name__", str(annotation)))


def _default(field: Any) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "see below"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, tuple):
        value = [v.model_dump(by_alias=True) if isinstance(v, BaseModel) else v for v in value]
    return f"`{json.dumps(value)}`"


def render() -> str:
    """The whole reference as Markdown, models in the order a reader meets them."""
    lines = [
        "# Config reference",
        "",
        "Generated from the config models by `python -m istio_mesh.reference`; do not edit.",
        "Keys are camelCase in YAML. Unknown keys are errors.",
        "",
    ]
    queue: list[tuple[str, type[BaseModel]]] = [("(top level)", MeshConfig)]
    seen: set[type[BaseModel]] = set()
    while queue:
        path, model = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        lines += [f"## `{path}` ({model.__name__})", "", doc, "",
                  "| key | type | default | description |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            key = field.alias or name
            description = (field.description or "").replace("|", "\\|")
            lines.append(f"| `{key}` | {_type_name(field.annotation)} | {_default(field)} | {description} |")
            child = path if path != "(top level)" else ""
            for sub in models_in(field.annotation):
                suffix = "[]" if typing.get_origin(field.annotation) is tuple else ""
                queue.append((f"{child}.{key}{suffix}".lstrip("."), sub))
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")

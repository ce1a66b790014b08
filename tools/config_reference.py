"""Generate docs/config-reference.md from the config models.

The models are the one source of truth for keys, types, defaults and
descriptions; a test fails when the committed file differs from this output.
Run ``.venv/bin/python tools/config_reference.py --out docs/config-reference.md``
(a development tool: it is not part of the wheel)
(without ``--out`` the text goes to stdout). ``--out`` replaces the file in one
rename, and only if it is this generator's own earlier output
(:func:`istio_mesh.runtime.owned_output.replace_file`).
"""

from __future__ import annotations

import argparse
import enum
import json
import sys
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from istio_mesh.config.base import models_in
from istio_mesh.config.errors import shown_file
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.runtime.owned_output import OutputRefused, Writer, replace_file

COMMAND = "python tools/config_reference.py"
TITLE = "# Config reference"
GENERATED = f"Generated from the config models by `{COMMAND}`; do not edit."
WRITER = Writer(COMMAND)


def is_reference(text: str) -> bool:
    """Whether a file's text is this generator's output: its first lines."""
    return text.startswith(f"{TITLE}\n\n{GENERATED}\n")


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
        TITLE,
        "",
        GENERATED,
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


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference, or write it to ``--out``; exit 2 if that file is
    refused (see :func:`istio_mesh.runtime.owned_output.replace_file`)."""
    parser = argparse.ArgumentParser(prog=COMMAND,
                                     description="Generate the config reference (Markdown).")
    parser.add_argument("--out", default=None,
                        help="file to write (default: stdout); replaced only if it is an earlier reference")
    args = parser.parse_args(argv)
    if args.out is None:
        print(render(), end="")
        return 0
    try:
        replace_file(args.out, render(), WRITER, is_reference)
    except OutputRefused as exc:
        print(f"error: output file refused\n{exc}", file=sys.stderr)
        return 2
    print(f"wrote {shown_file(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

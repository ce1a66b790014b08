"""Istio's MeshConfig message (third_party/istio-api), read for its field names.

The istiod chart copies ``meshConfig`` into the mesh config map unchecked,
and istiod refuses a config map it cannot parse at start-up, so every key
the stacks write there is checked against the real message here. A small
reader of the .proto text: messages nest by braces, fields are
``[repeated] <type> <snake_name> = <n>``, oneof members belong to the
enclosing message, and a field's JSON name is its lowerCamelCase name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from conftest import REPO

PROTO = REPO / "third_party" / "istio-api" / "1.30.3" / "mesh" / "v1alpha1" / "config.proto"

_MESSAGE = re.compile(r"^\s*message\s+(\w+)\s*\{")
_FIELD = re.compile(r"^\s*(?:repeated\s+)?([\w.]+)\s+(\w+)\s*=\s*\d+")
_OPEN = re.compile(r"^\s*(?:oneof|enum)\s+\w+\s*\{")

# Types whose content is free-form or a scalar in JSON.
_OPAQUE = {"google.protobuf.Struct", "google.protobuf.Duration", "google.protobuf.BoolValue",
           "google.protobuf.Int32Value", "google.protobuf.UInt32Value", "google.protobuf.Any"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@functools.cache
def messages(path: Path = PROTO) -> dict[str, dict[str, str]]:
    """Qualified message name (``MeshConfig.ExtensionProvider``) -> JSON field name -> type."""
    out: dict[str, dict[str, str]] = {}
    stack: list[str | None] = []  # message names, None for oneof/enum/other blocks
    for raw in path.read_text().splitlines():
        line = raw.split("//", 1)[0]
        opened = 0
        if (match := _MESSAGE.match(line)) is not None:
            names = [s for s in stack if s is not None]
            out[".".join([*names, match[1]])] = {}
            stack.append(match[1])
            opened = 1
        elif _OPEN.match(line):
            stack.append(None)
            opened = 1
        elif (match := _FIELD.match(line)) is not None and stack:
            owner = ".".join(s for s in stack if s is not None)
            if owner in out:
                out[owner][_camel(match[2])] = match[1]
        stack.extend([None] * (line.count("{") - opened))
        for _ in range(line.count("}")):
            stack.pop()
    return out


def _resolve(scope: str, type_name: str) -> str | None:
    """The message a field type names, searched from ``scope`` outwards as protoc does."""
    known = messages()
    parts = scope.split(".")
    while parts:
        candidate = ".".join([*parts, type_name])
        if candidate in known:
            return candidate
        parts.pop()
    return type_name if type_name in known else None


def unknown_keys(values: Mapping[str, Any], message: str = "MeshConfig") -> Iterator[str]:
    """Dotted keys of ``values`` that ``message`` does not have. Keys under a
    message this file does not define (ProxyConfig, a Struct) are not checked."""
    fields = messages()[message]
    for key, value in values.items():
        if key not in fields:
            yield key
            continue
        type_name = fields[key]
        target = None if type_name in _OPAQUE else _resolve(message, type_name)
        if target is None:
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, Mapping):
                where = f"{key}[{i}]" if isinstance(value, list) else key
                yield from (f"{where}.{k}" for k in unknown_keys(item, target))

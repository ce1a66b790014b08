"""Checks on a parsed YAML document before the config models read it.

PyYAML turns some unquoted scalars into values no setting can hold (dates,
``!!binary`` bytes, ``!!set``), accepts any hashable mapping key, reads
``.inf`` and ``.nan`` as numbers, and follows aliases into structures that
can be huge once expanded. Where the models pass data through untouched
(``extraValues``), such values would only break later, when chart values are
written as JSON; elsewhere pydantic reports them with confusing paths. Checking
the plain data first lets every later step assume JSON-like data: string
keys, finite numbers, valid Unicode, bounded size and depth.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from istio_mesh.config.errors import format_path

MAX_DEPTH = 64
"""Deepest nesting accepted; chart values need a fraction of it."""

MAX_VALUES = 100_000
"""Values accepted after YAML aliases are expanded, against alias bombs."""

INT64 = 2**63
"""Integers beyond int64 mean nothing to Kubernetes or Helm, and Python
refuses to print those over 4300 digits, so they stop here."""

MAX_PROBLEMS = 20
"""Problems listed before the rest are summarised in a count."""

_ALLOWED = "allowed: strings, numbers, booleans, null, lists and mappings"


def yaml_type(value: Any) -> str:
    """The YAML name of a Python value's type, as users know it."""
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "list",
        dict: "mapping",
        type(None): "null",
    }.get(type(value), type(value).__name__)


class _TooLarge(Exception):
    pass


class _Walk:
    def __init__(self, prefix: tuple[str | int, ...]) -> None:
        self.prefix = prefix
        self.problems: list[str] = []
        self.values = 0
        self.open_containers: set[int] = set()

    def problem(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(f"{where(self.prefix + path)}: {message}")

    def visit(self, value: Any, path: tuple[str | int, ...]) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _TooLarge
        if isinstance(value, (dict, list)):
            self.visit_container(value, path)
        elif isinstance(value, str):
            if not _is_text(value):
                self.problem(path, "contains an unpaired surrogate escape such as \"\\ud800\", "
                             "which is not text; write the character itself")
        elif isinstance(value, float):
            if not math.isfinite(value):
                self.problem(path, f"got {_shown(value)} (number); must be a finite number")
        elif isinstance(value, int) and not isinstance(value, bool):
            if not -INT64 <= value < INT64:
                self.problem(path, f"got {_shown(value)} (integer); must fit in 64 bits")
        elif value is not None and not isinstance(value, bool):
            self.problem(path, _odd_scalar(value))

    def visit_container(self, value: dict[Any, Any] | list[Any], path: tuple[str | int, ...]) -> None:
        if id(value) in self.open_containers:
            self.problem(path, "contains itself through a YAML alias; a config must be a tree")
            return
        if len(path) >= MAX_DEPTH:
            self.problem(path, f"nested more than {MAX_DEPTH} levels deep")
            return
        self.open_containers.add(id(value))
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    self.visit(key, (*path, key))
                    self.visit(item, (*path, key))
                else:
                    self.problem(path, _odd_key(key))
        else:
            for index, item in enumerate(value):
                self.visit(item, (*path, index))
        self.open_containers.discard(id(value))


def where(path: tuple[str | int, ...]) -> str:
    """A field path as messages print it; the document itself is ``(top level)``."""
    return format_path(path) or "(top level)"


def document_problems(data: Any, prefix: tuple[str | int, ...] = ()) -> list[str]:
    """One ``<field path>: <problem>`` line per value that cannot be config data.

    ``prefix`` is where ``data`` sits in its file (a fleet's
    ``meshes.<mesh>.clusters.<cluster>``): paths start there, while depth and
    size count from ``data``, so one cluster's settings get the same verdict
    and the same message in a cluster file and in a fleet.
    """
    walk = _Walk(prefix)
    try:
        walk.visit(data, ())
    except _TooLarge:
        return [
            f"{where(prefix)}: more than {MAX_VALUES} values once YAML aliases are expanded; "
            "a config is a few hundred"
        ]
    if len(walk.problems) > MAX_PROBLEMS:
        extra = len(walk.problems) - MAX_PROBLEMS
        return [*walk.problems[:MAX_PROBLEMS], f"{where(prefix)}: {extra} more problems like these"]
    return walk.problems


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a "\ud800" escape
        return False
    return True


def _odd_key(key: Any) -> str:
    if isinstance(key, (bool, int, float, type(None), datetime.date)):
        hint = " (YAML reads yes/no/on/off as booleans)" if isinstance(key, bool) else ""
        return f"key {_shown(key)} ({yaml_type(key)}) is not a string: put it in quotes{hint}"
    return f"a key is a {_tag_name(key)} value; keys must be strings"


def _odd_scalar(value: Any) -> str:
    if isinstance(value, datetime.date):
        return (f"got {_shown(value)} (date); YAML reads an unquoted date as a timestamp: "
                "put it in quotes")
    return f"got a {_tag_name(value)} value; {_ALLOWED}"


_TAG_NAMES: dict[type, str] = {bytes: "!!binary", set: "!!set", tuple: "!!pairs or !!omap"}


def _tag_name(value: object) -> str:
    return _TAG_NAMES.get(type(value), type(value).__name__)


def _shown(value: Any) -> str:
    """A scalar as YAML would spell it, short enough for a one-line message."""
    if value is None:
        return "null"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of about {int(value.bit_length() * math.log10(2))} digits"
    return repr(value)

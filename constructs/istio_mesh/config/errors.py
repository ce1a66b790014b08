"""The one error a user sees for a bad config, and how it is worded."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path


class RuleViolation(ValueError):
    """A cross-field rule broken inside a model validator.

    Carries the path of the offending field relative to the model that raised
    it, so the message can point at ``gateways[1].name`` rather than at the
    whole ``gateways`` list.
    """

    def __init__(self, path: Sequence[str | int], message: str) -> None:
        super().__init__(message)
        self.path = tuple(path)
        self.message = message


def shown_file(path: Path | str) -> str:
    """A file name as every message prints it: as is, unless it holds a line
    break, another control character or leading or trailing blanks; then
    quoted with escapes (``'a\\nb.yaml'``), so the message stays one line
    per problem and cannot be mistaken for two."""
    text = str(path)
    if text.isprintable() and text == text.strip() and text:
        return text
    return ascii(text)


class ConfigError(Exception):
    """A config file that cannot be used, with every problem found in it.

    ``str()`` is the text printed to the user: one line per problem, each
    ``<file>: <field path>: <problem>``. The file is named by
    :func:`shown_file`.
    """

    def __init__(self, path: Path | str, problems: Sequence[str]) -> None:
        self.path = shown_file(path)
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{self.path}: {p}" for p in self.problems))


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*", re.ASCII)


def format_path(loc: Sequence[str | int]) -> str:
    """``("gateways", 0, "service", "type")`` -> ``gateways[0].service.type``.

    A key that is not a plain name (spaces, quotes, a line break, empty) is
    shown quoted, ``istiod['bad key']``, so that the path stays one line and
    cannot be mistaken for the message after it.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(part):
            out += f"[{part!a}]"
        else:
            out += f".{part}" if out else part
    return out

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


class ConfigError(Exception):
    """A config file that cannot be used, with every problem found in it.

    ``str()`` is the text printed to the user: one line per problem, each
    ``<file>: <field path>: <problem>``.
    """

    def __init__(self, path: Path | str, problems: Sequence[str]) -> None:
        self.path = str(path)
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

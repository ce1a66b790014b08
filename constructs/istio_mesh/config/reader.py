"""The one reader of every config file, cluster or fleet: text, then YAML, then
the document checks of :mod:`istio_mesh.config.document`.

Every way a file can be unreadable ends in :class:`ConfigError` with the same
wording whichever kind of file it is, so callers print the message and exit
without a traceback.
"""

from __future__ import annotations

import os
import stat

from pathlib import Path
from typing import Any

import yaml

from istio_mesh.config.errors import ConfigError
from istio_mesh.config.names import shown

_MERGE_TAG = "tag:yaml.org,2002:merge"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, which PyYAML silently collapses,
    and turns a scalar it cannot convert into a YAML error at its position.

    PyYAML lets Python's own errors escape for scalars such as ``2001-13-45``
    (a timestamp with month 13, ValueError), ``!!bool maybe`` (KeyError),
    ``!!timestamp text`` (AttributeError) or an integer of more than 4300
    digits; a config error must say where the file is wrong instead. Every
    input to a constructor is the user's text, so any such error is theirs.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception:  # noqa: BLE001 - see the class docstring
            tag = node.tag.rsplit(":", 1)[-1]
            shown = (clipped(node.value) if isinstance(node, yaml.ScalarNode)
                     else "this mapping" if isinstance(node, yaml.MappingNode) else "this list")
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {shown} as !!{tag}", node.start_mark
            ) from None


def _mapping_without_duplicates(
    loader: _StrictLoader | yaml.CSafeLoader, node: yaml.MappingNode
) -> Any:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue  # `<<: *defaults`: construct_mapping merges it; later keys win
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:
            continue  # a list or mapping as key: construct_mapping refuses it by name
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {clipped(key)} (first at line {first.start_mark.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)

# libyaml's parser reads a config about ten times faster than PyYAML's own,
# which shows in a fleet of configs (make bench); PyYAML's own stays the one
# that words errors, so messages do not depend on which one is installed.
_FastStrictLoader: type[yaml.CSafeLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _LibyamlStrictLoader(yaml.CSafeLoader):
        """CSafeLoader that refuses duplicate keys."""

    _LibyamlStrictLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
    )
    _FastStrictLoader = _LibyamlStrictLoader


def parse_yaml(text: str) -> Any:
    """The YAML document, or the error PyYAML's own parser raises for it.

    Any failure of the libyaml reader (a YAML error, or a Python error from a
    constructor on odd input) is read again by :class:`_StrictLoader`, which
    words every error the same way whichever parser is installed.
    """
    if _FastStrictLoader is not None:
        try:
            return yaml.load(text, Loader=_FastStrictLoader)  # noqa: S506 - safe loader
        except RecursionError:
            # Worded by the caller whichever parser hit it; PyYAML's own would
            # only take seconds to hit it again.
            raise
        except Exception:  # noqa: BLE001 - re-read below for the wording
            pass
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass


MAX_FILE_BYTES = 4 * 1024 * 1024
"""A config file larger than this is refused unread: real ones are a few KiB."""

_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_text(path: Path) -> str:
    """The file's text, or a ConfigError saying why it cannot be read.

    Only a regular file is opened, and at most :data:`MAX_FILE_BYTES` of it
    read: opening a named pipe waits for a writer forever, and ``/dev/zero``
    never ends.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(path, [f"cannot be read: {exc}"]) from None
    for is_kind, kind in _NOT_REGULAR:
        if is_kind(mode):
            raise ConfigError(path, [f"is {kind}, not a config file; name a regular YAML file"])
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(path, [f"cannot be read: {exc}"]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError(
            path, [f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; a config file is a few KiB"]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, [f"cannot be read: {exc}"]) from None


def read_yaml(text: str, path: Path | str) -> Any:
    """The YAML document in ``text``, or a ConfigError with a one-line reason."""
    try:
        return parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = exc.problem or exc.context or "cannot be parsed"
        raise ConfigError(path, [f"YAML syntax error{where}: {reason}"]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        reason = str(exc).splitlines()[0]
        raise ConfigError(
            path, [f"YAML syntax error at line {line}, column {column}: {reason}"]
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, [f"YAML syntax error: {' '.join(str(exc).split())}"]) from None
    except RecursionError:
        # PyYAML composes nested collections recursively.
        raise ConfigError(
            path, ["YAML syntax error: lists and mappings are nested too deeply to read"]
        ) from None


def article(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def clipped(value: Any, limit: int = 80) -> str:
    """The value as :func:`istio_mesh.config.names.shown` spells it: ASCII
    escapes, one line, cut short."""
    return shown(value, limit)

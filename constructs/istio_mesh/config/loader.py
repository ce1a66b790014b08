"""Read cluster config files into :class:`MeshConfig`, or explain why not.

Every way a file can be wrong ends in :class:`ConfigError`, whose text names
the file, the field path, the value found and what is allowed. Nothing else
escapes from here for a bad file, so callers can print the message and exit
without a traceback.
"""

from __future__ import annotations

import difflib
import glob
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from istio_mesh.config.base import models_in
from istio_mesh.config.errors import ConfigError, RuleViolation, format_path
from istio_mesh.config.models import MeshConfig

CONFIG_SELECTOR_ENV = "MESH_CONFIG"
STACK_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, which PyYAML silently collapses."""


def _mapping_without_duplicates(
    loader: _StrictLoader | yaml.CSafeLoader, node: yaml.MappingNode
) -> Any:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {seen[key].start_mark.line + 1})",
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


def _read_yaml(text: str) -> Any:
    """The YAML document, or the ``YAMLError`` PyYAML's own parser raises for it."""
    if _FastStrictLoader is not None:
        try:
            return yaml.load(text, Loader=_FastStrictLoader)  # noqa: S506 - safe loader
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass


def stack_prefix(path: Path | str) -> str:
    """The stack name prefix for a config file: its stem (``config/prod.yaml`` -> ``prod``)."""
    return Path(path).stem


def load_config(path: Path | str) -> MeshConfig:
    """Parse and validate one config file."""
    path = Path(path)
    name = stack_prefix(path)
    if not STACK_NAME.match(name):
        raise ConfigError(
            path,
            [
                f"file name {name!r} cannot name stacks; use lowercase letters, "
                f"digits and '-' (at most 42), e.g. prod.yaml"
            ],
        )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except IsADirectoryError:
        raise ConfigError(path, ["is a directory, not a config file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [f"cannot be read: {exc}"]) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path | str = "<config>") -> MeshConfig:
    """Validate config text; ``path`` only names the source in messages."""
    try:
        data = _read_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(path, [f"YAML syntax error{where}: {exc.problem}"]) from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, [f"YAML syntax error: {exc}"]) from None
    if data is None:
        raise ConfigError(
            path, ["file is empty; expected a mapping of settings such as 'istiod:'"]
        )
    if not isinstance(data, dict):
        raise ConfigError(
            path,
            [f"expected a mapping of settings at the top level, got a {_yaml_type(data)}"],
        )
    try:
        return MeshConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> list[str]:
    """One ``<field path>: <problem>`` line per pydantic error, in the user's spelling."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = _user_loc(error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, RuleViolation):
            problems.append(f"{format_path((*loc, *cause.path))}: {cause.message}")
            continue
        if error["type"] == "union_tag_invalid":
            loc = (*loc, error["ctx"]["discriminator"].strip("'"))
        problems.append(
            f"{format_path(loc) or '(top level)'}: {_describe(error, tuple(error['loc']))}"
        )
    return problems


def _user_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    # Discriminated unions add the tag to the location ("connection",
    # "kubeconfig", "context"); the user never wrote it.
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if i and loc[i - 1] == "connection" and part in ("kubeconfig", "variables"):
            continue
        out.append(part)
    return tuple(out)


def _describe(error: Any, loc: tuple[str | int, ...]) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        text = f"unknown key; allowed keys: {', '.join(allowed)}"
        return text + (f" (did you mean {hint[0]!r}?)" if hint else "")
    if kind == "missing":
        return "required key is missing"
    if kind == "union_tag_invalid":
        return f"got {error['ctx']['tag']!r}; allowed: {error['ctx']['expected_tags']}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"got {value!r}; allowed: {_bounds(loc)}"
    if kind == "string_type" and isinstance(value, (int, float)):
        return f"got {value!r} ({_yaml_type(value)}); must be a string: put it in quotes"
    if kind == "value_error":
        return f"got {value!r}; {error['ctx']['error']}"
    message = error["msg"]
    if message.startswith("Input should be "):
        message = message[len("Input should be ") :]
        text = f"got {value!r} ({_yaml_type(value)}); must be {message}"
        if isinstance(value, bool) and kind in ("enum", "literal_error", "string_type"):
            text += " (YAML reads yes/no/on/off as booleans: put the value in quotes)"
        return text
    return f"got {value!r}; {message}"


def _bounds(loc: Sequence[str | int]) -> str:
    field = _field_at(loc)
    low = high = None
    for rule in field.metadata if field else ():
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _yaml_type(value: Any) -> str:
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "list",
        dict: "mapping",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _model_at(loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (pydantic's raw
    location, in which a discriminated union's tag picks the member)."""
    candidates: list[type[BaseModel]] = [MeshConfig]
    for part in loc:
        if isinstance(part, int):
            continue
        tagged = [m for m in candidates if _tag_of(m) == part]
        if tagged:
            candidates = tagged
            continue
        field = next((f for m in candidates if (f := _field_of(m, part))), None)
        candidates = models_in(field.annotation) if field else []
    return candidates[0] if candidates else None


def _tag_of(model: type[BaseModel]) -> object:
    mode = model.model_fields.get("mode")
    args: tuple[object, ...] = getattr(mode.annotation, "__args__", ()) if mode else ()
    return args[0] if len(args) == 1 else None


def _field_of(model: type[BaseModel], key: str) -> FieldInfo | None:
    return next((f for n, f in model.model_fields.items() if key in (n, f.alias)), None)


def _field_at(loc: Sequence[str | int]) -> FieldInfo | None:
    keys = [p for p in loc if isinstance(p, str)]
    model = _model_at(loc[: len(loc) - 1 - loc[::-1].index(keys[-1])]) if keys else None
    return _field_of(model, keys[-1]) if model else None


def _allowed_keys(loc: Sequence[str | int]) -> list[str]:
    """The YAML keys accepted at ``loc``, found by walking the model classes."""
    model = _model_at(loc)
    if model is None:
        return []
    return sorted(f.alias or n for n, f in model.model_fields.items())


def select_config_paths(
    selector: str | None = None, default_dir: Path | str = "config"
) -> list[Path]:
    """The config files to synthesize.

    ``selector`` (normally the ``MESH_CONFIG`` environment variable) holds
    paths or globs separated by ``,`` or the OS path separator; unset means
    every ``*.yaml`` directly in ``default_dir``. A named file that does not
    exist is kept, so loading it reports "file not found"; a glob that matches
    nothing is an error, since it is almost always a typo.
    """
    if not selector:
        found = sorted(Path(default_dir).glob("*.yaml"))
        if not found:
            raise ConfigError(default_dir, ["no *.yaml config files found"])
        return found
    paths: list[Path] = []
    for pattern in _split(selector):
        if glob.has_magic(pattern):
            matches = sorted(Path(p) for p in glob.glob(pattern))
            if not matches:
                raise ConfigError(pattern, [f"{CONFIG_SELECTOR_ENV} glob matches no file"])
            paths.extend(matches)
        else:
            paths.append(Path(pattern))
    return list(dict.fromkeys(paths))


def _split(selector: str) -> Iterable[str]:
    for chunk in re.split(rf"[,{re.escape(os.pathsep)}]", selector):
        if chunk.strip():
            yield chunk.strip()


def load_configs(paths: Sequence[Path]) -> dict[str, MeshConfig]:
    """Load every file, collecting all problems before failing.

    Returns configs keyed by stack prefix. Two files with the same stem would
    produce the same stack names, so that is refused too.
    """
    configs: dict[str, MeshConfig] = {}
    sources: dict[str, Path] = {}
    errors: list[ConfigError] = []
    for path in paths:
        try:
            config = load_config(path)
        except ConfigError as exc:
            errors.append(exc)
            continue
        name = stack_prefix(path)
        if name in sources:
            errors.append(
                ConfigError(
                    path, [f"same file name as {sources[name]}; stack names would collide"]
                )
            )
            continue
        configs[name], sources[name] = config, path
    if errors:
        raise ConfigErrors(errors)
    return configs


class ConfigErrors(ConfigError):
    """Problems from several files, reported together."""

    def __init__(self, errors: Sequence[ConfigError]) -> None:
        self.errors = tuple(errors)
        Exception.__init__(self, "\n".join(str(e) for e in errors))
        self.path = ", ".join(e.path for e in errors)
        self.problems = tuple(p for e in errors for p in e.problems)

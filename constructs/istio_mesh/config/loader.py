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
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from istio_mesh.config.backend import STACK_KINDS, stack_name, state_location
from istio_mesh.config.base import models_in
from istio_mesh.config.document import document_problems
from istio_mesh.config.document import yaml_type as _yaml_type
from istio_mesh.config.errors import ConfigError, RuleViolation, format_path
from istio_mesh.config.models import MeshConfig

CONFIG_SELECTOR_ENV = "MESH_CONFIG"
STACK_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$")


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
            shown = (_clipped(node.value) if isinstance(node, yaml.ScalarNode)
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
                f"duplicate key {_clipped(key)} (first at line {first.start_mark.line + 1})",
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


def _parse_yaml(text: str) -> Any:
    """The YAML document, or the error PyYAML's own parser raises for it.

    Any failure of the libyaml reader (a YAML error, or a Python error from a
    constructor on odd input) is read again by :class:`_StrictLoader`, which
    words every error the same way whichever parser is installed.
    """
    if _FastStrictLoader is not None:
        try:
            return yaml.load(text, Loader=_FastStrictLoader)  # noqa: S506 - safe loader
        except Exception:  # noqa: BLE001 - re-read below for the wording
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
    data = _read_yaml(text, path)
    if data is None:
        raise ConfigError(
            path, ["file is empty; expected a mapping of settings such as 'istiod:'"]
        )
    if not isinstance(data, dict):
        raise ConfigError(
            path,
            [f"expected a mapping of settings at the top level, got {_a(_yaml_type(data))}"],
        )
    problems = document_problems(data)
    if problems:
        raise ConfigError(path, problems)
    try:
        return MeshConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, describe_validation_error(exc)) from None


def _read_yaml(text: str, path: Path | str) -> Any:
    """The YAML document in ``text``, or a ConfigError with a one-line reason."""
    try:
        return _parse_yaml(text)
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


def _union_tags() -> dict[str, set[object]]:
    """Top-level fields that are discriminated unions, with their members' tags."""
    out: dict[str, set[object]] = {}
    for name, field in MeshConfig.model_fields.items():
        members = models_in(field.annotation)
        tags = {tag for m in members if (tag := _tag_of(m)) is not None}
        if len(members) > 1 and tags:
            out[field.alias or name] = tags
    return out


def _user_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    # Discriminated unions add the tag to the location ("connection",
    # "kubeconfig", "context"); the user never wrote it.
    unions = _union_tags()
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
        return f"got {_clipped(error['ctx']['tag'])}; allowed: {error['ctx']['expected_tags']}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"got {_clipped(value)}; allowed: {_bounds(loc)}"
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


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def _clipped(value: Any, limit: int = 80) -> str:
    """``repr(value)``, cut short so that one problem stays one readable line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bounds(loc: Sequence[str | int]) -> str:
    field = _field_at(loc)
    low = high = None
    for rule in field.metadata if field else ():
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


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
    """The value of a union member's one-value ``mode`` or ``type`` field."""
    for key in ("mode", "type"):
        field = model.model_fields.get(key)
        args: tuple[object, ...] = getattr(field.annotation, "__args__", ()) if field else ()
        if len(args) == 1:
            return args[0]
    return None


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
    every deployable file: each cluster file (``*.yaml`` directly in
    ``default_dir``) and each fleet file (``*.yaml`` in its ``fleets/``).
    The cdktf CLI runs the app with no selector for ``list``, ``diff`` and
    ``deploy``, so every stack a user may name has to be in that default.
    A named file that does not exist is kept, so loading it reports "file not
    found"; a glob that matches nothing is an error, since it is almost always
    a typo.
    """
    if not selector:
        from istio_mesh.config.fleet import FLEET_DIRECTORY

        default = Path(default_dir)
        found = sorted(default.glob("*.yaml")) + sorted((default / FLEET_DIRECTORY).glob("*.yaml"))
        if not found:
            raise ConfigError(
                default_dir, [f"no *.yaml config files found (nor {FLEET_DIRECTORY}/*.yaml)"]
            )
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
            loaded = _load_file(path)
        except ConfigError as exc:
            errors.append(exc)
            continue
        for name, config in loaded.items():
            if name in sources:
                errors.append(ConfigError(path, [_collision(path, name, sources[name])]))
                continue
            configs[name], sources[name] = config, path
    errors.extend(_shared_state(configs, sources))
    if errors:
        raise ConfigErrors(errors)
    return configs


def _load_file(path: Path) -> dict[str, MeshConfig]:
    """A cluster file's config, or every cluster of a fleet file (see
    :mod:`istio_mesh.config.fleet`), keyed by stack prefix."""
    from istio_mesh.config.fleet import is_fleet_path, load_fleet

    return load_fleet(path) if is_fleet_path(path) else {stack_prefix(path): load_config(path)}


def _collision(path: Path, name: str, first: Path) -> str:
    from istio_mesh.config.fleet import is_fleet_path

    if is_fleet_path(path) or is_fleet_path(first):
        return f"cluster {name!r} is also defined by {first}; stack names would collide"
    return f"same file name as {first}; stack names would collide"


def _shared_state(
    configs: Mapping[str, MeshConfig], sources: Mapping[str, Path]
) -> list[ConfigError]:
    """Two clusters whose stacks keep state in one place would destroy each
    other's releases on apply; explicit workspace names make that easy to do."""
    owners: dict[str, str] = {}
    errors: list[ConfigError] = []
    for prefix, config in configs.items():
        for kind in STACK_KINDS:
            where = state_location(config.backend, kind, stack_name(prefix, kind))
            if where in owners:
                errors.append(
                    ConfigError(
                        sources[prefix],
                        [f"backend: {stack_name(prefix, kind)} keeps its state in {where}, "
                         f"as {owners[where]} does; every stack needs its own"],
                    )
                )
            else:
                owners[where] = f"{stack_name(prefix, kind)} ({sources[prefix]})"
    return errors


class ConfigErrors(ConfigError):
    """Problems from several files, reported together."""

    def __init__(self, errors: Sequence[ConfigError]) -> None:
        self.errors = tuple(errors)
        Exception.__init__(self, "\n".join(str(e) for e in errors))
        self.path = ", ".join(e.path for e in errors)
        self.problems = tuple(p for e in errors for p in e.problems)

"""Read cluster config files into :class:`MeshConfig`, or explain why not.

Every way a file can be wrong ends in :class:`ConfigError`, whose text names
the file, the field path, the value found and what is allowed. Nothing else
escapes from here for a bad file, so callers can print the message and exit
without a traceback.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pydantic import ValidationError

from istio_mesh.config.backend import STACK_KINDS, STACK_NAME, stack_name, state_location
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.describe import describe_validation_error
from istio_mesh.config.document import document_problems, yaml_type
from istio_mesh.config.errors import ConfigError, shown_file
from istio_mesh.config.fleet import is_fleet_path, load_fleet
from istio_mesh.config.reader import article, read_text, read_yaml

__all__ = [
    "CONFIG_SELECTOR_ENV",
    "STACK_NAME",
    "ConfigErrors",
    "describe_validation_error",
    "load_config",
    "load_configs",
    "load_configs_with_sources",
    "parse_config",
    "select_config_paths",
    "stack_prefix",
]

CONFIG_SELECTOR_ENV = "MESH_CONFIG"


def stack_prefix(path: Path | str) -> str:
    """The stack name prefix for a config file: its stem (``config/prod.yaml`` -> ``prod``)."""
    return Path(path).stem


def load_config(path: Path | str) -> MeshConfig:
    """Parse and validate one config file."""
    path = Path(path)
    name = stack_prefix(path)
    if not STACK_NAME.fullmatch(name):
        raise ConfigError(
            path,
            [
                f"file name {name!a} cannot name stacks; use lowercase letters, "
                f"digits and '-' (at most 42), e.g. prod.yaml"
            ],
        )
    return parse_config(read_text(path), path)


def parse_config(text: str, path: Path | str = "<config>") -> MeshConfig:
    """Validate config text; ``path`` only names the source in messages."""
    data = read_yaml(text, path)
    if data is None:
        raise ConfigError(
            path, ["file is empty; expected a mapping of settings such as 'istiod:'"]
        )
    if not isinstance(data, dict):
        raise ConfigError(
            path,
            [f"expected a mapping of settings at the top level, got {article(yaml_type(data))}"],
        )
    problems = document_problems(data)
    if problems:
        raise ConfigError(path, problems)
    try:
        return MeshConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, describe_validation_error(exc)) from None


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
    if not paths:
        # Only separators or blanks: an empty selection would synthesize no
        # stack and empty the output, which is never what was meant.
        raise ConfigError(
            CONFIG_SELECTOR_ENV,
            [f"got {selector!a}, which names no file; give paths or globs separated by ','"],
        )
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
    return load_configs_with_sources(paths)[0]


def load_configs_with_sources(paths: Sequence[Path]) -> tuple[dict[str, MeshConfig], dict[str, Path]]:
    """:func:`load_configs`, and the file each config came from (a fleet
    file for each of its clusters), for messages about a loaded config."""
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
    return configs, sources


def _load_file(path: Path) -> dict[str, MeshConfig]:
    """A cluster file's config, or every cluster of a fleet file (see
    :mod:`istio_mesh.config.fleet`), keyed by stack prefix."""
    return load_fleet(path) if is_fleet_path(path) else {stack_prefix(path): load_config(path)}


def _collision(path: Path, name: str, first: Path) -> str:
    if is_fleet_path(path) or is_fleet_path(first):
        return f"cluster {name!a} is also defined by {shown_file(first)}; stack names would collide"
    return f"same file name as {shown_file(first)}; stack names would collide"


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
                owners[where] = f"{stack_name(prefix, kind)} ({shown_file(sources[prefix])})"
    return errors


class ConfigErrors(ConfigError):
    """Problems from several files, reported together."""

    def __init__(self, errors: Sequence[ConfigError]) -> None:
        self.errors = tuple(errors)
        Exception.__init__(self, "\n".join(str(e) for e in errors))
        self.path = ", ".join(e.path for e in errors)
        self.problems = tuple(p for e in errors for p in e.problems)

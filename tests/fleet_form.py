"""The same settings as a cluster file and as one cluster of a fleet file.

Cluster files and fleet files share one reader and one set of checks, so a
setting refused in a cluster file is refused in a fleet cluster with the same
message: only the file name and the path prefix ``meshes.<mesh>.clusters.<name>``
differ, and a YAML syntax error's position moves with the indentation. These
helpers place cluster text in a fleet and say what its message must then be,
by rewriting the expected text (never by asking the loader).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from istio_mesh.config.errors import ConfigError
from istio_mesh.config.fleet import load_fleet

MESH, CLUSTER = "mesh1", "east"
PREFIX = f"meshes.{MESH}.clusters.{CLUSTER}"
_HEADER = f"""\
meshes:
  {MESH}:
    shared: {{multicluster: {{network: net1}}}}
    clusters:
      {CLUSTER}:
"""
_LINES_BEFORE = _HEADER.count("\n")
_INDENT = 8


def as_fleet(cluster_text: str) -> str:
    """A fleet file whose one cluster has ``cluster_text`` as its settings."""
    return _HEADER + textwrap.indent(cluster_text, " " * _INDENT, lambda line: True)


def fleet_error_for(tmp_path: Path, cluster_text: str) -> str:
    """The message for ``cluster_text`` placed in a fleet, with the file named
    ``config/fleets/prod.yaml``."""
    path = tmp_path / "fleets" / "prod.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(as_fleet(cluster_text), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_fleet(path)
    return str(caught.value).replace(str(path), "config/fleets/prod.yaml")


def in_fleet(message: str, cluster_file: str = "config/prod.yaml") -> str:
    """A cluster file's message as the fleet cluster gets it."""
    return "\n".join(_line_in_fleet(line, cluster_file) for line in message.splitlines())


def _line_in_fleet(line: str, cluster_file: str) -> str:
    head = f"{cluster_file}: "
    assert line.startswith(head), line
    rest = line[len(head):]
    if rest.startswith("YAML syntax error"):
        rest = re.sub(r"at line (\d+), column (\d+)",
                      lambda m: f"at line {int(m[1]) + _LINES_BEFORE}, column {int(m[2]) + _INDENT}",
                      rest)
        rest = re.sub(r"\(first at line (\d+)\)",
                      lambda m: f"(first at line {int(m[1]) + _LINES_BEFORE})", rest)
    elif rest.startswith("(top level): "):
        rest = PREFIX + rest[len("(top level)"):]
    elif rest.startswith("["):
        rest = PREFIX + rest
    else:
        rest = f"{PREFIX}.{rest}"
    return f"config/fleets/prod.yaml: {rest}"

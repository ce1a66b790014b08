"""Each planned object against its CRD: the ``openAPIV3Schema`` (fields the
API server would prune count as errors) and the CEL rules, after the API
server's defaulting, as at apply."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from istio_mesh.admission.origins import Origin
from istio_mesh.apirules.cel import violations
from istio_mesh.apirules.crds import served_schema
from istio_mesh.apirules.openapi import schema_problems, with_defaults
from istio_mesh.config.names import shown

Problem = tuple[tuple[str | int, ...], str]


def crd_problems(manifest: Mapping[str, Any], *, istio_version: str, channel: str) -> tuple[str, list[Problem]]:
    """(whose CRD, [(object path, message)]) for ``manifest``; no problems
    when no shipped CRD serves its kind (a built-in kind, or one the cluster
    must bring, such as prometheus-operator's). An object several configs
    produce alike (a root namespace's PeerAuthentication) is checked once."""
    source, found = _crd_problems(json.dumps(manifest, sort_keys=True), istio_version, channel)
    return source, list(found)


@functools.lru_cache(maxsize=4096)
def _crd_problems(text: str, istio_version: str, channel: str) -> tuple[str, tuple[Problem, ...]]:
    manifest = json.loads(text)
    served = served_schema(str(manifest["apiVersion"]), str(manifest["kind"]),
                           istio_version=istio_version, channel=channel)
    if served is None:
        return "", ()
    found: list[Problem] = list(schema_problems(served.schema, manifest))
    if not found and served.rules:
        defaulted = with_defaults(served.schema, manifest)
        found += [(v.path, v.message) for v in violations(list(served.rules), served.schema, defaulted)]
    return served.source, tuple(found)


def value_at(manifest: Any, path: tuple[str | int, ...]) -> Any:
    """The object's value at ``path``, or None when it is not there."""
    for step in path:
        if isinstance(manifest, Mapping) and step in manifest:
            manifest = manifest[step]
        elif isinstance(manifest, list) and isinstance(step, int) and 0 <= step < len(manifest):
            manifest = manifest[step]
        else:
            return None
    return manifest


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return f"{len(value)} items"
    return shown(value)


def refusals(manifest: Mapping[str, Any], origin: Origin, *, istio_version: str, channel: str,
             config: Callable[[], Mapping[str, Any]] | None = None) -> Iterator[str]:
    """One line per problem: the config field, the value (the config's, from
    ``config()``, the config as its file spells it, when the field maps back),
    what the API allows."""
    source, found = crd_problems(manifest, istio_version=istio_version, channel=channel)
    kind = manifest["kind"]
    for path, message in found:
        field, inside = origin.at(path)
        where = f" at {inside}" if inside else ""
        at = origin.config_path(path)
        value = value_at(config(), at) if config is not None and at is not None else None
        if value is None:
            value = value_at(manifest, path) if path else None
        got = f"got {_shown(value)}; " if value is not None and not isinstance(value, Mapping) else ""
        yield f"{field}: {got}the {kind} it produces{where} breaks the {source} CRD: {message}"

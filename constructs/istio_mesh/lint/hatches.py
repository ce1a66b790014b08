"""The escape hatches (``extraValues``) as the rules read them: where each
one is, every key below it, and what the chart gets once it is merged.

``extraValues`` is deep-merged last, so it can undo any typed setting; the
rules that judge it share these walks instead of each parsing values anew.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from istio_mesh.config.control_planes import ControlPlane, control_planes, resolve
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.lint.rules import istiods
from istio_mesh.values.cni import cni_values
from istio_mesh.values.gateway import gateway_values
from istio_mesh.values.istiod import istiod_values
from istio_mesh.values.ztunnel import ztunnel_values

Path = tuple[str | int, ...]


def hatches(config: MeshConfig) -> list[tuple[Path, Mapping[str, Any]]]:
    """(field path, extraValues) of every release a user can pass values to."""
    return [
        *(((*path, "extraValues"), istiod.extra_values) for path, istiod in istiods(config)),
        (("cni", "extraValues"), config.cni.extra_values),
        (("ztunnel", "extraValues"), config.ztunnel.extra_values),
        *((("gateways", i, "extraValues"), g.extra_values) for i, g in enumerate(config.gateways)),
    ]


def walk(values: Mapping[str, Any], path: Path = ()) -> Iterator[tuple[Path, str, Any]]:
    """Every (path, key, value) below ``values``, depth first, in key order."""
    for key in sorted(values, key=str):
        value = values[key]
        yield (*path, key), str(key), value
        if isinstance(value, Mapping):
            yield from walk(value, (*path, key))


def value_at(values: Mapping[str, Any], dotted: str | Path) -> tuple[bool, Any]:
    """(found, value) at a dotted key or key path."""
    node: Any = values
    for key in dotted.split(".") if isinstance(dotted, str) else dotted:
        if not isinstance(node, Mapping) or key not in node:
            return False, None
        node = node[key]
    return True, node


def chart_values(config: MeshConfig) -> list[tuple[Path, dict[str, Any], dict[str, Any]]]:
    """(extraValues path, values the typed settings generate, values the
    chart gets) of every release that has an ``extraValues``; the gateway-api
    gateways have none (Istio deploys them from their Gateway)."""
    out: list[tuple[Path, dict[str, Any], dict[str, Any]]] = []
    planes = control_planes(config)
    for (path, istiod), plane in zip(istiods(config), planes, strict=True):
        if istiod.extra_values:
            bare = ControlPlane(plane.revision, plane.version, istiod.model_copy(update={"extra_values": {}}))
            out.append(((*path, "extraValues"), istiod_values(config, bare), istiod_values(config, plane)))
    if config.cni.enabled and config.cni.extra_values:
        bare_config = config.model_copy(update={"cni": config.cni.model_copy(update={"extra_values": {}})})
        out.append((("cni", "extraValues"), cni_values(bare_config), cni_values(config)))
    serving = resolve(config, None)
    if config.ztunnel.enabled and config.ztunnel.extra_values and serving is not None:
        bare_config = config.model_copy(
            update={"ztunnel": config.ztunnel.model_copy(update={"extra_values": {}})})
        out.append((("ztunnel", "extraValues"), ztunnel_values(bare_config, serving),
                     ztunnel_values(config, serving)))
    for i, gateway in enumerate(config.gateways):
        if gateway.api == "chart" and gateway.extra_values:
            bare_gateway = gateway.model_copy(update={"extra_values": {}})
            out.append((("gateways", i, "extraValues"), gateway_values(config, bare_gateway),
                        gateway_values(config, gateway)))
    return out

"""Rules for what ``extraValues`` does to the typed settings: a key that
silently replaces what a typed field wrote, merged values the API server
refuses, and image tags of another release than the charts'.

They compare the values the typed settings generate with the values the
chart gets once ``extraValues`` is merged (:func:`istio_mesh.lint.hatches.chart_values`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from istio_mesh.config.base import parse_quantity
from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.errors import format_path
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.lint.guardrails import disruption_budget_blocks_drain, extra_values_allow_any, floating_image_tag
from istio_mesh.lint.hatches import Path, chart_values, value_at
from istio_mesh.lint.rules import Finding, finding, istiods, legacy_tracing, prod_demo_profile
from istio_mesh.lint.rules_availability import egress_gateway_public
from istio_mesh.lint.rules_security import root_namespace_writable

_VERSION_TAG = re.compile(r"([0-9]+\.[0-9]+\.[0-9]+)(?:-[A-Za-z0-9.-]+)?", re.ASCII)

# Rules that judge one extraValues key themselves, with a message made for it.
_DEDICATED = (extra_values_allow_any, floating_image_tag, disruption_budget_blocks_drain,
              prod_demo_profile, root_namespace_writable, egress_gateway_public, legacy_tracing)


def _overrides(extra: Mapping[str, Any], generated: Mapping[str, Any],
               path: Path = ()) -> Iterator[tuple[Path, Any, Any]]:
    """(key path, extraValues' value, generated value) where extraValues
    replaces a value the typed settings generated with a different one."""
    for key in sorted(extra, key=str):
        if key not in generated:
            continue
        mine, theirs = extra[key], generated[key]
        if isinstance(mine, Mapping) and isinstance(theirs, Mapping):
            yield from _overrides(mine, theirs, (*path, key))
        elif mine != theirs:
            yield (*path, key), mine, theirs


def _shown(value: Any) -> str:
    text = ascii(value)
    return text if len(text) <= 60 else text[:57] + "..."


def extra_values_override_typed(config: MeshConfig) -> Iterator[Finding]:
    """A typed field says one thing and the cluster gets another: the config
    no longer describes the mesh, and the typed field's checks were for nothing."""
    owned = {f.path for check in _DEDICATED for f in check(config)}
    for hatch, generated, _ in chart_values(config):
        extra = _config_hatch(config, hatch)
        for key_path, mine, theirs in _overrides(extra, generated):
            where = (*hatch, *key_path)
            if format_path(where) in owned:
                continue
            yield finding("extra-values-override-typed", where,
                          f"is {_shown(mine)}, replacing {_shown(theirs)} that the typed "
                          f"settings wrote there: the cluster runs what extraValues says and "
                          f"the config's typed settings (and their checks) no longer describe it",
                          "remove it and change the typed setting that writes this value "
                          "(docs/config-reference.md)")


def _config_hatch(config: MeshConfig, hatch: Path) -> Mapping[str, Any]:
    node: Any = config
    for key in hatch:
        if key == "extraValues":
            return node.extra_values  # type: ignore[no-any-return]
        node = node[key] if isinstance(key, int) else getattr(node, key)
    raise AssertionError(hatch)


def _resource_problems(resources: Any) -> Iterator[str]:
    if not isinstance(resources, Mapping):
        return
    requests, limits = resources.get("requests"), resources.get("limits")
    if not isinstance(requests, Mapping) or not isinstance(limits, Mapping):
        return
    for name in ("cpu", "memory"):
        request, limit = requests.get(name), limits.get(name)
        try:
            too_big = request is not None and limit is not None and \
                parse_quantity(str(request)) > parse_quantity(str(limit))
        except ValueError:
            continue
        if too_big:
            yield (f"requests {name} {request!a} above its limit {limit!a}, which the API server "
                   f"refuses for every pod")


def _gateway_problems(values: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    budget = values.get("podDisruptionBudget")
    if isinstance(budget, Mapping) and "minAvailable" in budget and "maxUnavailable" in budget:
        yield ("podDisruptionBudget", "sets both minAvailable and maxUnavailable (merged with the "
               "stack's budget), which the API server refuses for a PodDisruptionBudget")
    scaling = values.get("autoscaling")
    if isinstance(scaling, Mapping) and scaling.get("enabled"):
        low, high = scaling.get("minReplicas"), scaling.get("maxReplicas")
        if isinstance(low, int) and isinstance(high, int) and (low < 1 or low > high):
            yield ("autoscaling", f"gives the HorizontalPodAutoscaler minReplicas {low} and "
                   f"maxReplicas {high}, which the API server refuses")


def _istiod_problems(values: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    low, high = values.get("autoscaleMin"), values.get("autoscaleMax")
    if values.get("autoscaleEnabled") and isinstance(low, int) and isinstance(high, int) \
            and (low < 1 or low > high):
        yield ("autoscaleMin", f"gives the HorizontalPodAutoscaler minReplicas {low} and "
               f"maxReplicas {high}, which the API server refuses")


def values_rejected_at_apply(config: MeshConfig) -> Iterator[Finding]:
    for hatch, _, merged in chart_values(config):
        problems = list(_gateway_problems(merged) if hatch[0] == "gateways"
                        else _istiod_problems(merged) if hatch[0] in ("istiod", "revisions") else ())
        problems += [("resources", text) for text in _resource_problems(merged.get("resources"))]
        for key, text in problems:
            yield finding("values-rejected-at-apply", (*hatch, key),
                          f"{text}: the release fails at apply and the component is not "
                          f"updated",
                          "change extraValues so the merged values are valid, or use the typed "
                          "settings (replicas, autoscaling, resources), which are checked")


def image_tag_version_mismatch(config: MeshConfig) -> Iterator[Finding]:
    """Chart templates and images of different releases: proxies, istiod and
    the templates that configure them disagree on flags, ports and APIs."""
    tags: list[tuple[Path, Any, list[str]]] = []
    if config.istio.tag is not None:
        tags.append((("istio", "tag"), config.istio.tag,
                     sorted({p.version for p in control_planes(config)} | {config.istio.version})))
    for (path, istiod), plane in zip(istiods(config), control_planes(config), strict=True):
        found, tag = value_at(istiod.extra_values, "global.tag")
        if found:
            tags.append(((*path, "extraValues", "global", "tag"), tag, [plane.version]))
    for path, tag, versions in tags:
        match = _VERSION_TAG.fullmatch(str(tag))
        other = [v for v in versions if match is not None and v != match.group(1)]
        if other:
            yield finding("image-tag-version-mismatch", path,
                          f"is {tag!a}, but the charts installed are Istio {', '.join(other)}: "
                          f"pods run images of another release than the templates that "
                          f"configure them, so the data plane is out of step with its control "
                          f"plane",
                          "remove it (each chart uses its own release's tag), or set the "
                          "versions to the tag's release")


OVERRIDE_CHECKS = (extra_values_override_typed, values_rejected_at_apply, image_tag_version_mismatch)

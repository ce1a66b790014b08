"""The rule that refuses Istio's retired hosting, anywhere in a config.

Istio publishes nothing to its Google Cloud hosting from 1.31 on and switches
it off (:mod:`istio_mesh.config.istio_homes`). A chart repository there fails
the next ``helm_release``; an image there leaves pods in ImagePullBackOff at
the next restart, which may be weeks after the change that caused it. So the
whole validated config is walked, every string of it: the chart repository,
the hub, any image or hub inside any ``extraValues`` tree, extra resources,
in cluster files, fleet members and runbook steps alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from istio_mesh.config.istio_homes import (
    CHARTS_NOW,
    ISTIO_CHART_REPOSITORY,
    ISTIO_IMAGE_HUB,
    ISTIO_OCI_CHART_REPOSITORY,
    retired_host,
)
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.lint.rules import Check, Finding, finding

RULE = "retired-istio-host"


def _strings(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, string) for every string in a dumped config, keys in YAML spelling."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, str(key)))
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))


def retired_hosts(config: MeshConfig) -> Iterator[Finding]:
    for path, text in _strings(config.model_dump(mode="json", by_alias=True), ()):
        host = retired_host(text)
        if host is None:
            continue
        if host.replacement == CHARTS_NOW:
            fix = (f"use {ISTIO_CHART_REPOSITORY} or {ISTIO_OCI_CHART_REPOSITORY} "
                   "(or a mirror of them)")
        else:
            fix = f"use {ISTIO_IMAGE_HUB} (or a mirror of it)"
        yield finding(RULE, path,
                      f"names {host.name}, which Istio retired (nothing is published there from "
                      f"1.31 on and it is being switched off); {host.replacement}", fix)


RETIRED_HOST_CHECKS: tuple[Check, ...] = (retired_hosts,)

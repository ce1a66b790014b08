"""Find extraValues keys the pinned chart does not have.

Helm ignores an unknown values key silently, so a misspelt or outdated key
in an escape hatch would change nothing in the cluster, unnoticed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from istio_mesh.lint.refdata import reference_data

# Keys whose contents are the user's (Kubernetes objects, Istio API messages,
# maps of names): their own name is checked, nothing below them.
FREE_FORM = frozenset({
    "affinity", "annotations", "autoscaleBehavior", "containerSecurityContext", "env",
    "envVarFrom", "excludeNamespaces", "extraContainerArgs", "imagePullSecrets",
    "initContainers", "labels", "meshConfig", "nodeSelector", "podAnnotations", "podLabels",
    "podDisruptionBudget", "podSecurityContext", "ports", "resources", "securityContext",
    "seccompProfile", "serviceAnnotations", "tolerations", "topologySpreadConstraints",
    "volumeMounts", "volumes", "deploymentAnnotations", "deploymentLabels",
    "serviceAccountAnnotations", "templates", "strategy", "networkGatewayPorts",
})

# Read by every chart's zzz_profile.yaml although values.yaml does not list them.
PROFILE_KEYS = frozenset({"platform", "profile", "compatibilityVersion"})


def unknown_keys(
    chart: str, values: Mapping[str, Any], version: str | None = None
) -> list[tuple[tuple[str, ...], str]]:
    """(path, suggestion) for each key of ``values`` the chart does not know
    in the data of Istio ``version`` (default: the pinned release's).
    ``suggestion`` is a close existing key at that level, or ''."""
    known = (reference_data(version) if version else reference_data())["chartKeys"][chart]
    return list(_walk(known, values, ()))


def _walk(
    known: Any, values: Mapping[str, Any], path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], str]]:
    for key, value in values.items():
        here = (*path, str(key))
        if key in FREE_FORM or (not path and key in PROFILE_KEYS):
            continue
        if not isinstance(known, Mapping):
            return  # a leaf or an empty map in the chart: its keys are the user's
        if key not in known:
            close = difflib.get_close_matches(str(key), list(known), n=1)
            yield here, close[0] if close else ""
            continue
        if isinstance(value, Mapping):
            yield from _walk(known[key], value, here)

"""Which Kubernetes versions each supported Istio release runs on.

A config may state its cluster's Kubernetes version (``kubernetesVersion``);
an Istio version that does not support it is refused before anything is
planned. Each Istio release supports a window of about four Kubernetes
minor versions and moves it forward every release, so both an upgrade of
Istio and one of the cluster can leave the window.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field

from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.versions import parse_version

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig

# Source: istio.io, Supported Releases, "Support status of Istio releases",
# column "Supported Kubernetes Versions":
# https://istio.io/latest/docs/releases/supported-releases/#support-status-of-istio-releases
# (the page renders data/compatibility/supportStatus.yml of istio/istio.io;
# rows 1.24 and 1.25 as the page listed them before those releases left it,
# also recorded at https://endoflife.date/istio). "Tested, but not supported"
# versions are deliberately not accepted.
KUBERNETES_SUPPORT: dict[str, tuple[str, ...]] = {
    "1.24": ("1.28", "1.29", "1.30", "1.31"),
    "1.25": ("1.29", "1.30", "1.31", "1.32"),
    "1.26": ("1.29", "1.30", "1.31", "1.32", "1.33"),
    "1.27": ("1.29", "1.30", "1.31", "1.32", "1.33"),
    "1.28": ("1.30", "1.31", "1.32", "1.33", "1.34"),
    "1.29": ("1.31", "1.32", "1.33", "1.34", "1.35"),
    "1.30": ("1.32", "1.33", "1.34", "1.35", "1.36"),
}
"""Istio minor version -> the Kubernetes minor versions it supports."""

_KUBERNETES_VERSION = re.compile(r"1\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?", re.ASCII)


def _kubernetes_version(value: str) -> str:
    if not _KUBERNETES_VERSION.fullmatch(value):
        raise ValueError("must be a Kubernetes version such as '1.33' or '1.33.2'")
    return value


KubernetesVersion = Annotated[str, Field(strict=True), AfterValidator(_kubernetes_version)]
"""A cluster's Kubernetes version, ``1.<minor>`` with an optional patch."""


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def check_kubernetes_support(
    istio_version: str,
    kubernetes_version: str,
    *,
    field: tuple[str | int, ...] = ("kubernetesVersion",),
    istio_field: str = "istio.version",
) -> None:
    """Refuse an Istio release that does not support the cluster's Kubernetes.

    Takes one Istio version, so that every Istio version a config installs
    (one per control-plane revision) can be checked on its own.
    """
    parse_version(istio_version)
    istio, kubernetes = _minor(istio_version), _minor(kubernetes_version)
    supported = KUBERNETES_SUPPORT.get(istio)
    if supported is None:
        known = sorted(KUBERNETES_SUPPORT, key=lambda v: tuple(map(int, v.split("."))))
        raise RuleViolation(
            field,
            f"cannot check Kubernetes {kubernetes} against Istio {istio} ({istio_field} "
            f"{istio_version!a}): the compatibility table covers Istio {known[0]} to "
            f"{known[-1]}; unset kubernetesVersion to install without the check",
        )
    if kubernetes not in supported:
        raise RuleViolation(
            field,
            f"Kubernetes {kubernetes} is not supported by Istio {istio} ({istio_field} "
            f"{istio_version!a}); Istio {istio} supports Kubernetes {supported[0]} to "
            f"{supported[-1]}",
        )


def check_kubernetes_versions(config: MeshConfig) -> None:
    """With kubernetesVersion set, every Istio version the config installs
    (one per control-plane revision) must support it."""
    if config.kubernetes_version is None:
        return
    for i, plane in enumerate(control_planes(config)):
        check_kubernetes_support(
            plane.version,
            config.kubernetes_version,
            field=("revisions", i, "version") if config.revisions else ("kubernetesVersion",),
            istio_field=f"revisions[{i}].version" if config.revisions else "istio.version",
        )

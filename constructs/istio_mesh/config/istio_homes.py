"""Where Istio publishes its charts and images, and the hosts it retired.

From 1.31 on Istio publishes nothing to its Google Cloud hosting and switches
that hosting off (Istio 1.31 upgrade notes, "Deprecation of GCP
infrastructure and hosting"): a config that still names it fails on the
first ``helm_release`` once the hosting is gone. Pure data and one matcher,
at the bottom of the layers, so the config defaults, the values builders and
the linter all read the same names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ISTIO_CHART_REPOSITORY = "https://blob.istio.io/istio-release/charts"
"""Istio's Helm repository (the default ``istio.chartRepository``)."""

ISTIO_OCI_CHART_REPOSITORY = "oci://ghcr.io/istio/release/charts"
"""Istio's charts as OCI artifacts: ``<this>/<chart>:<version>``."""

ISTIO_IMAGE_HUB = "docker.io/istio"
"""Istio's images (the default ``istio.hub``)."""


@dataclass(frozen=True)
class RetiredHost:
    """One retired location: how to find it in a string, and what replaces it."""

    name: str
    """The host as Istio names it."""
    pattern: re.Pattern[str]
    replacement: str


def _host(expression: str) -> re.Pattern[str]:
    """A host (or host and path) at a boundary: not inside a longer host name."""
    return re.compile(rf"(?<![-a-z0-9.]){expression}(?![-a-z0-9])", re.IGNORECASE)


CHARTS_NOW = f"charts are served from {ISTIO_CHART_REPOSITORY} (or {ISTIO_OCI_CHART_REPOSITORY})"
IMAGES_NOW = f"images are served from {ISTIO_IMAGE_HUB}"

RETIRED_HOSTS: tuple[RetiredHost, ...] = (
    # The chart bucket, by its virtual-host name, its path-style URL and gs://.
    RetiredHost("istio-release.storage.googleapis.com",
                _host(r"istio-release\.storage\.googleapis\.com"), CHARTS_NOW),
    RetiredHost("storage.googleapis.com/istio-release",
                _host(r"storage\.googleapis\.com/istio-release"), CHARTS_NOW),
    RetiredHost("gs://istio-release", re.compile(r"gs://istio-release(?![-a-z0-9])", re.IGNORECASE),
                CHARTS_NOW),
    # The image registries: gcr.io and its regional hosts, and the alias.
    RetiredHost("gcr.io/istio-release",
                _host(r"(?:[a-z]+\.)?gcr\.io/istio-release"), IMAGES_NOW),
    RetiredHost("registry.istio.io", _host(r"registry\.istio\.io"), IMAGES_NOW),
)


def retired_host(text: str) -> RetiredHost | None:
    """The first retired host ``text`` names, or None."""
    for host in RETIRED_HOSTS:
        if host.pattern.search(text):
            return host
    return None

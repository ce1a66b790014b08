"""The Istio release this project is built and tested against."""

from __future__ import annotations

import re

DEFAULT_ISTIO_VERSION = "1.30.3"
"""Every chart is installed at one version; this is the default pin."""

MIN_ISTIO_VERSION = (1, 24, 0)
"""Oldest release whose chart layout (top-level values, autoscaler semantics)
the values builders produce."""

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def parse_version(value: str) -> tuple[int, int, int]:
    """``"1.30.3"`` -> ``(1, 30, 3)``; anything else is a ValueError naming the form."""
    match = _VERSION.match(value)
    if not match:
        raise ValueError("must be a release version such as '1.30.3'")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch

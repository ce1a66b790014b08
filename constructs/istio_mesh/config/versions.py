"""The Istio release this project is built and tested against."""

from __future__ import annotations

from istio_mesh.config.names import parse_version

__all__ = ["DEFAULT_ISTIO_VERSION", "MIN_ISTIO_VERSION", "parse_version"]

DEFAULT_ISTIO_VERSION = "1.30.3"
"""Every chart is installed at one version; this is the default pin."""

MIN_ISTIO_VERSION = (1, 24, 0)
"""Oldest release whose chart layout (top-level values, autoscaler semantics)
the values builders produce."""


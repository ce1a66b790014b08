"""The Istio release this project is built and tested against.

Defined in :mod:`istio_mesh.config.versions`, at the bottom of the layers,
since the config models check versions; kept importable from here.
"""

from __future__ import annotations

from istio_mesh.config.versions import DEFAULT_ISTIO_VERSION, MIN_ISTIO_VERSION, parse_version

__all__ = ["DEFAULT_ISTIO_VERSION", "MIN_ISTIO_VERSION", "parse_version"]

"""Deep merge, as Helm merges values files; defined in
:mod:`istio_mesh.config.merge`, since fleet files merge settings the same way."""

from __future__ import annotations

from istio_mesh.config.merge import deep_merge

__all__ = ["deep_merge"]

"""Values for the ``cni`` chart: the Istio CNI node agent DaemonSet."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.values.common import image_globals, profile_selectors
from istio_mesh.config.merge import deep_merge
from istio_mesh.values.placement import cni_placement


def cni_values(config: MeshConfig) -> dict[str, Any]:
    """Images and platform paths follow the mesh; the rest stays the chart's."""
    values: dict[str, Any] = {**profile_selectors(config.istio), "global": image_globals(config.istio)}
    if config.cni.resources is not None:
        values["resources"] = config.cni.resources.to_values()
    values.update(cni_placement(config.cni.placement))
    return deep_merge(values, config.cni.extra_values)

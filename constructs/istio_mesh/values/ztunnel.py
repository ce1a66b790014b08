"""Values for the ``ztunnel`` chart: the ambient node proxy DaemonSet."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.control_planes import ControlPlane
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.values.common import profile_selectors
from istio_mesh.config.merge import deep_merge
from istio_mesh.values.multicluster import ztunnel_multicluster_values
from istio_mesh.values.placement import ztunnel_placement


def ztunnel_values(config: MeshConfig, plane: ControlPlane) -> dict[str, Any]:
    """ztunnel follows one istiod: ``revision`` picks its CA and XDS address
    (``istiod-<revision>.<ns>.svc:15012``), so it is the default revision's.

    Unlike the other charts, ztunnel reads ``hub``, ``tag`` and
    ``imagePullSecrets`` at the top level, not under ``global`` (its image is
    ``<hub>/ztunnel:<tag>``, so ``hub`` is always named); with an
    external CA it needs the CA's address too (``caAddress``), since it does
    not read istiod's ``global.caAddress``.
    """
    istio = config.istio
    values: dict[str, Any] = {
        **profile_selectors(istio),
        "istioNamespace": config.istio_namespace,
        "revision": plane.chart_revision,
        "hub": istio.image_hub,
    }
    if istio.tag:
        values["tag"] = istio.tag
    if istio.image_pull_secrets:
        values["imagePullSecrets"] = list(istio.image_pull_secrets)
    if config.ca.mode == "external":
        values["caAddress"] = config.ca.address
    if config.ztunnel.resources is not None:
        values["resources"] = config.ztunnel.resources.to_values()
    values.update(ztunnel_multicluster_values(config))
    values.update(ztunnel_placement(config.ztunnel.placement))
    return deep_merge(values, config.ztunnel.extra_values)

"""Values for the ``base`` chart: Istio's CRDs and cluster-wide RBAC."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.control_planes import default_revision
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.values.multicluster import base_multicluster_values


def base_values(config: MeshConfig) -> dict[str, Any]:
    """CRDs stay chart templates carrying ``helm.sh/resource-policy: keep``.

    ``enableCRDTemplates`` is the chart default; it is set explicitly because
    turning it off moves the CRDs to Helm's crds/ handling, where an upgrade
    never updates them. With templates, Helm upgrades them with the chart and
    the keep policy leaves them in the cluster when the release is deleted,
    so a destroy can never cascade into deleting every Istio resource.

    ``defaultRevision`` points the ``istiod-default-validator`` webhook at the
    default revision's Service; empty when no revision is the default (each
    revision then validates through its own webhook).
    """
    global_values: dict[str, Any] = {"istioNamespace": config.istio_namespace}
    if config.istio.image_pull_secrets:
        global_values["imagePullSecrets"] = list(config.istio.image_pull_secrets)
    return {
        "global": global_values,
        "base": {"enableCRDTemplates": True},
        "defaultRevision": default_revision(config) or "",
        **base_multicluster_values(config),
    }

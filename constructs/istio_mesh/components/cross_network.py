"""The Istio resources that join this cluster's network to the others'."""

from __future__ import annotations

from collections.abc import Mapping

from istio_mesh.components.manifest import istio_manifest
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.config.models import MeshConfig
from istio_mesh.policy.multicluster import multicluster_manifests
from istio_mesh.terraform import Construct, KubernetesManifest


class CrossNetworkGateways(Construct):
    """``cross-network-gateway`` and, on a primary serving remotes, istiod's
    Gateway and VirtualService; custom resources, so in the policies stack,
    applied once the mesh stack has installed the CRDs and the east-west
    gateway."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        namespaces: Mapping[str, MeshNamespace],
    ) -> None:
        super().__init__(scope, construct_id)
        self.resources: list[KubernetesManifest] = [
            istio_manifest(self, manifest, namespaces=namespaces)
            for manifest in multicluster_manifests(config)
        ]

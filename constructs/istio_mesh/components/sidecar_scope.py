"""Default Sidecar per onboarded namespace (networking.istio.io/v1)."""

from __future__ import annotations

from collections.abc import Mapping

from istio_mesh.components.manifest import istio_manifest
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.config.models import MeshConfig
from istio_mesh.policy.sidecars import sidecar_manifests
from istio_mesh.terraform import Construct, KubernetesManifest


class SidecarScope(Construct):
    """One Sidecar named ``default`` per onboarded namespace with sidecar
    injection, created after the namespace it lives in."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        namespaces: Mapping[str, MeshNamespace],
    ) -> None:
        super().__init__(scope, construct_id)
        self.sidecars: list[KubernetesManifest] = [
            istio_manifest(self, manifest, namespaces=namespaces)
            for manifest in sidecar_manifests(config)
        ]

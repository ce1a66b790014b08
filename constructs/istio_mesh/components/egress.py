"""External services and egress gateway routing (networking.istio.io/v1)."""

from __future__ import annotations

from collections.abc import Mapping

from istio_mesh.components.manifest import istio_manifest
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.config.models import MeshConfig
from istio_mesh.policy.egress import egress_manifests
from istio_mesh.terraform import Construct, KubernetesManifest


class EgressControl(Construct):
    """ServiceEntries for the allowed external hosts and, for services routed
    through an egress gateway, its Gateway, VirtualService and DestinationRules.

    The egress gateway itself is installed by the mesh stack; this stack is
    applied after it, so the Service the routes name exists.
    """

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
            for manifest in egress_manifests(config)
        ]

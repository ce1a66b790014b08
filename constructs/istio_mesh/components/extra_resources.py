"""User-supplied Istio resources, applied as written."""

from __future__ import annotations

from collections.abc import Mapping

from istio_mesh.components.manifest import istio_manifest
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.config.models import MeshConfig
from istio_mesh.terraform import Construct, KubernetesManifest

EXTRA_PREFIX = "extra_"
"""Keeps user objects' Terraform addresses apart from generated ones."""


class ExtraResources(Construct):
    """``extraResources`` from the config, each a ``kubernetes_manifest``
    addressed ``extra_<kind>_<namespace>_<name>``."""

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
            istio_manifest(self, extra.manifest(), namespaces=namespaces, prefix=EXTRA_PREFIX)
            for extra in config.extra_resources
        ]

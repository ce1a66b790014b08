"""Istio's CRDs and cluster-wide resources (the ``base`` chart)."""

from __future__ import annotations

from istio_mesh.components.release import istio_release
from istio_mesh.config.models import MeshConfig
from istio_mesh.terraform import Construct
from istio_mesh.values import base_values


class IstioBase(Construct):
    """First release of every mesh: everything else needs its CRDs.

    The CRDs carry ``helm.sh/resource-policy: keep``, so destroying this
    release leaves them (and every Istio resource) in the cluster. With
    ``protection.preventDestroy`` Terraform refuses to destroy it at all, and
    with it any plan that would take the whole mesh down.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: MeshConfig) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.release = istio_release(
            self,
            "release",
            config=config,
            chart="base",
            name="istio-base",
            namespace=config.istio_namespace,
            values=base_values(config),
            prevent_destroy=config.protection.prevent_destroy,
        )

"""An ambient namespace's waypoint proxy (a Gateway API Gateway)."""

from __future__ import annotations

from collections.abc import Sequence

from istio_mesh.policy.manifests import waypoint
from istio_mesh.terraform import Construct, ITerraformDependable, KubernetesManifest


class Waypoint(Construct):
    """istiod deploys the proxy for a Gateway of class ``istio-waypoint``.

    Needs the Kubernetes Gateway API CRDs in the cluster (Istio does not
    install them) and, like every ``kubernetes_manifest``, lives in the
    policies stack, planned after the mesh exists.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        namespace: str,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        self.manifest = waypoint(namespace)
        self.resource = KubernetesManifest(
            self, "manifest", manifest=self.manifest, depends_on=list(depends_on) or None
        )
        self.resource.override_logical_id(f"waypoint_{namespace}")

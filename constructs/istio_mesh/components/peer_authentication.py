"""PeerAuthentication policies (mutual TLS), as ``kubernetes_manifest``."""

from __future__ import annotations

from collections.abc import Sequence

from istio_mesh.config.models import MtlsMode
from istio_mesh.policy.manifests import peer_authentication
from istio_mesh.terraform import Construct, ITerraformDependable, KubernetesManifest


class PeerAuthentication(Construct):
    """The namespace-wide PeerAuthentication ``default`` of one namespace.

    In the root namespace it is the mesh-wide policy. Lives in the policies
    stack: ``kubernetes_manifest`` reads the CRD at plan time, so it cannot
    share a stack with the release that installs the CRDs.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        namespace: str,
        mode: MtlsMode,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        self.manifest = peer_authentication("default", namespace, mode)
        self.resource = KubernetesManifest(
            self, "manifest", manifest=self.manifest, depends_on=list(depends_on) or None
        )
        self.resource.override_logical_id(f"peer_authentication_{namespace}")

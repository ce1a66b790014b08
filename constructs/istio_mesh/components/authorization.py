"""AuthorizationPolicies (security.istio.io/v1), as ``kubernetes_manifest``."""

from __future__ import annotations

from collections.abc import Mapping

from istio_mesh.components.manifest import istio_manifest
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.config.models import MeshConfig
from istio_mesh.policy.authorization import allow_policies, default_deny
from istio_mesh.terraform import Construct, KubernetesManifest


class AuthorizationPolicies(Construct):
    """The allow rules, the gateways' ALLOW policies and, when configured, the
    mesh-wide default deny.

    The default deny depends on every ALLOW policy: Terraform creates it last
    and destroys it first, so no apply passes through a moment in which
    traffic the config allows is refused.
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
        self.allows: list[KubernetesManifest] = [
            istio_manifest(self, manifest, namespaces=namespaces)
            for manifest in allow_policies(config)
        ]
        self.default_deny: KubernetesManifest | None = None
        if config.authorization.default_deny:
            self.default_deny = istio_manifest(
                self, default_deny(config), namespaces=namespaces, depends_on=self.allows
            )

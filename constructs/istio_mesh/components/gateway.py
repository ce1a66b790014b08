"""An ingress or egress gateway (the ``gateway`` chart)."""

from __future__ import annotations

from istio_mesh.components.istiod import Istiod
from istio_mesh.components.release import istio_release
from istio_mesh.components.revision_tag import RevisionTag
from istio_mesh.config.models import GatewaySettings, MeshConfig
from istio_mesh.terraform import Construct
from istio_mesh.values import gateway_values


class IstioGateway(Construct):
    """Installed once istiod is ready.

    Gateway pods are created with ``image: auto`` and get their real image
    from istiod's injection webhook; a pod created before the webhook answers
    keeps ``auto`` and never starts. Depending on the istiod release, which
    waits for istiod's Deployment, prevents that; for a gateway that follows
    a revision tag, on the tag's webhook too. The chart is installed at the
    version of the revision that configures the gateway, so gateway and
    control plane versions move together when a tag moves.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        gateway: GatewaySettings,
        istiod: Istiod,
        tag: RevisionTag | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.gateway = gateway
        waits_for_address = gateway.service.wait_for_address
        self.release = istio_release(
            self,
            "release",
            config=config,
            chart="gateway",
            name=gateway.name,
            namespace=gateway.resolved_namespace,
            values=gateway_values(config, gateway),
            depends_on=[istiod.release] + ([tag.webhook] if tag is not None else []),
            wait=waits_for_address or gateway.service_type != "LoadBalancer",
            version=istiod.plane.version,
        )

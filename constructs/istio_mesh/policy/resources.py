"""Everything the policies stack generates from typed settings. How each object
is identified in Kubernetes and addressed in Terraform is a naming rule of the
config (:mod:`istio_mesh.config.objects`), re-exported here."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.models import MeshConfig
from istio_mesh.config.objects import PEER_AUTHENTICATION_NAME, Identity, identity, resource_address
from istio_mesh.policy.authorization import allow_policies, default_deny
from istio_mesh.policy.egress import egress_manifests
from istio_mesh.policy.manifests import mtls_policies, peer_authentication
from istio_mesh.policy.multicluster import multicluster_manifests
from istio_mesh.policy.sidecars import sidecar_manifests

__all__ = ["Identity", "generated_manifests", "identity", "resource_address"]

def generated_manifests(config: MeshConfig) -> list[dict[str, Any]]:
    """Every Istio object the typed settings produce (extraResources excluded)."""
    out = [peer_authentication(PEER_AUTHENTICATION_NAME, ns, mode) for ns, mode in mtls_policies(config)]
    out += allow_policies(config)
    if config.authorization.default_deny:
        out.append(default_deny(config))
    out += egress_manifests(config)
    out += sidecar_manifests(config)
    out += multicluster_manifests(config)
    return out

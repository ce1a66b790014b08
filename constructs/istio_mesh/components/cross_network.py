"""The Istio resources that join this cluster's network to the others'."""

from __future__ import annotations

from istio_mesh.components.manifest import ManifestSet


class CrossNetworkGateways(ManifestSet):
    """``cross-network-gateway`` and, on a primary serving remotes, istiod's
    Gateway and VirtualService; custom resources, so in the policies stack,
    applied once the mesh stack has installed the CRDs and the east-west
    gateway.

    Takes :class:`ManifestSet`'s arguments.
    """

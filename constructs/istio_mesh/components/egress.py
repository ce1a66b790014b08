"""External services and egress gateway routing (networking.istio.io/v1)."""

from __future__ import annotations

from istio_mesh.components.manifest import ManifestSet


class EgressControl(ManifestSet):
    """ServiceEntries for the allowed external hosts and, for services routed
    through an egress gateway, its Gateway, VirtualService and DestinationRules.

    The egress gateway itself is installed by the mesh stack; this stack is
    applied after it, so the Service the routes name exists.

    Takes :class:`ManifestSet`'s arguments.
    """

"""An ingress, egress or east-west gateway (the ``gateway`` chart)."""

from __future__ import annotations

from istio_mesh.components.release import IstioChart


class IstioGateway(IstioChart):
    """Installed once istiod is ready.

    Gateway pods are created with ``image: auto`` and get their real image
    from istiod's injection webhook; a pod created before the webhook answers
    keeps ``image: auto`` and never starts. Depending on the istiod release,
    which waits for istiod's Deployment, prevents that; for a gateway that
    follows a revision tag, on the tag's webhook too. The chart is installed
    at the version of the revision that configures the gateway, so gateway
    and control plane versions move together when a tag moves.

    Takes :class:`IstioChart`'s arguments.
    """

"""An ambient namespace's waypoint proxy (a Gateway API Gateway)."""

from __future__ import annotations

from istio_mesh.components.manifest import IstioManifest


class Waypoint(IstioManifest):
    """istiod deploys the proxy for a Gateway of class ``istio-waypoint``.

    Needs the Kubernetes Gateway API CRDs in the cluster (Istio does not
    install them) and, like every ``kubernetes_manifest``, lives in the
    policies stack, planned after the mesh exists.
    """

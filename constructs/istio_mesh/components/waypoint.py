"""An ambient namespace's waypoint proxy (a Gateway API Gateway)."""

from __future__ import annotations

from istio_mesh.components.manifest import IstioManifest


class Waypoint(IstioManifest):
    """istiod deploys the proxy for a Gateway of class ``istio-waypoint``.

    Needs the Kubernetes Gateway API CRDs, which Istio does not install: the
    mesh stack does (:class:`~istio_mesh.components.GatewayApiCrds`,
    ``gatewayApi.crds``). Like every ``kubernetes_manifest``, it lives in the
    policies stack, planned after the mesh exists.

    Takes :class:`IstioManifest`'s arguments.
    """

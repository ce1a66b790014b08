"""Ingress through the Kubernetes Gateway API (gateway.networking.k8s.io/v1)."""

from __future__ import annotations

from istio_mesh.components.manifest import ManifestSet


class GatewayApiIngress(ManifestSet):
    """Each ``api: gateway-api`` gateway's ``Gateway`` (class ``istio``: istiod
    deploys ``<name>-istio`` for it) and the ``HTTPRoute``s attached to it.

    Needs the Gateway API CRDs, which the mesh stack installs
    (``gatewayApi.crds``), so this stack's plan finds the kinds.

    Takes :class:`ManifestSet`'s arguments.
    """

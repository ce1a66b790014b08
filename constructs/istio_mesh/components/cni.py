"""The Istio CNI node agent (the ``cni`` chart)."""

from __future__ import annotations

from istio_mesh.components.release import IstioChart


class IstioCni(IstioChart):
    """Sidecar mode: installed after base and before istiod. Ambient: after istiod.

    With sidecars, once istiod's injector answers, new pods are injected
    without the istio-init container and rely on the CNI agent for traffic
    redirection; a pod scheduled before the agent runs would start without
    it, so the agent goes first. Istio's ambient install instead runs base,
    istiod, cni, ztunnel in that order.

    Takes :class:`IstioChart`'s arguments.
    """

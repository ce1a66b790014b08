"""The ambient node proxy (the ``ztunnel`` chart)."""

from __future__ import annotations

from istio_mesh.components.release import IstioChart


class Ztunnel(IstioChart):
    """Last of Istio's ambient install order (base, istiod, cni, ztunnel).

    ztunnel gets its certificates and workload config from the default
    revision's istiod, so its DaemonSet only becomes ready once that istiod
    runs; the CNI agent must be in place first to hand it each enrolled
    pod's traffic.

    Takes :class:`IstioChart`'s arguments.
    """

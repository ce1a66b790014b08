"""The ``observability:`` section rendered: monitors, alert rules and
dashboards in the policies stack, Kiali in the mesh stack."""

from __future__ import annotations

from istio_mesh.components.manifest import ManifestSet
from istio_mesh.components.release import IstioChart


class ObservabilityResources(ManifestSet):
    """ServiceMonitor, PodMonitors and PrometheusRule (monitoring.coreos.com/v1),
    then Istio's dashboards as ConfigMaps. prometheus-operator's CRDs must
    exist before the policies stack is planned.

    Takes :class:`ManifestSet`'s arguments.
    """


class KialiServer(IstioChart):
    """Kiali's kiali-server chart from Kiali's repository, after istiod.

    Takes :class:`IstioChart`'s arguments.
    """

"""Telemetry API resources and prometheus-operator monitors."""

from __future__ import annotations

from istio_mesh.components.manifest import ManifestSet


class TelemetryResources(ManifestSet):
    """The mesh-wide Telemetry (telemetry.istio.io/v1) in the root namespace
    and one per namespace override, each after the namespace it lives in.

    Takes :class:`ManifestSet`'s arguments.
    """


class PrometheusMonitors(ManifestSet):
    """A PodMonitor for every Envoy and a ServiceMonitor for istiod
    (monitoring.coreos.com/v1), in the root namespace. prometheus-operator's
    CRDs must exist before the policies stack is planned.

    Takes :class:`ManifestSet`'s arguments.
    """

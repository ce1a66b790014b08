"""Telemetry (telemetry.istio.io/v1) and prometheus-operator monitors built from config.

One Telemetry without a workload selector per namespace: Istio allows only
one such resource in a namespace (with two, the oldest wins), so the
mesh-wide one lives in the root namespace and each override in its own.
Like every builder here, none emits an empty map or list (see
:mod:`istio_mesh.manifests.authorization`).
"""

from __future__ import annotations

from typing import Any

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.objects import MESH_TELEMETRY_NAME, NAMESPACE_TELEMETRY_NAME, TELEMETRY_API
from istio_mesh.config.telemetry import (
    AccessLoggingPolicy,
    MetricsPolicy,
    TelemetryPolicy,
    TracingPolicy,
)

MONITORING_API = "monitoring.coreos.com/v1"
PROXY_MONITOR_NAME = "envoy-stats-monitor"
CONTROL_PLANE_MONITOR_NAME = "istio-component-monitor"


def _providers(names: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"name": name} for name in names]


def _tracing(policy: TracingPolicy) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if policy.providers:
        out["providers"] = _providers(policy.providers)
    if policy.random_sampling_percentage is not None:
        out["randomSamplingPercentage"] = policy.random_sampling_percentage
    if policy.disable_span_reporting is not None:
        out["disableSpanReporting"] = policy.disable_span_reporting
    return out


def _access_logging(policy: AccessLoggingPolicy) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if policy.providers:
        out["providers"] = _providers(policy.providers)
    if policy.disabled is not None:
        out["disabled"] = policy.disabled
    if policy.filter is not None:
        out["filter"] = {"expression": policy.filter}
    return out


def _metrics(policy: MetricsPolicy) -> dict[str, Any]:
    return {"providers": _providers(policy.providers)} if policy.providers else {}


def telemetry_spec(policy: TelemetryPolicy) -> dict[str, Any]:
    """A Telemetry's spec. A section set with nothing in it (``tracing: {}``)
    would be ``[{}]``, an empty map ``kubernetes_manifest`` mishandles; it
    is left out, which means the same: the section is inherited."""
    spec: dict[str, Any] = {}
    for key, section in (
        ("tracing", _tracing(policy.tracing) if policy.tracing else None),
        ("accessLogging", _access_logging(policy.access_logging) if policy.access_logging else None),
        ("metrics", _metrics(policy.metrics) if policy.metrics else None),
    ):
        if section:
            spec[key] = [section]
    return spec


def telemetry(name: str, namespace: str, policy: TelemetryPolicy) -> dict[str, Any]:
    return {
        "apiVersion": TELEMETRY_API,
        "kind": "Telemetry",
        "metadata": {"name": name, "namespace": namespace},
        "spec": telemetry_spec(policy),
    }


def telemetry_manifests(config: MeshConfig) -> list[dict[str, Any]]:
    """The mesh-wide Telemetry (when it says anything), then one per override,
    in config order. A policy whose sections are all empty is left out."""
    settings = config.mesh.telemetry
    out = []
    if settings.says_anything:
        out.append(telemetry(MESH_TELEMETRY_NAME, config.istio_namespace, settings))
    for namespace, policy in settings.namespaces.items():
        if policy.says_anything:
            out.append(telemetry(NAMESPACE_TELEMETRY_NAME, namespace, policy))
    return out


def _metadata(config: MeshConfig, name: str) -> dict[str, Any]:
    labels = config.mesh.telemetry.prometheus_operator.labels
    metadata: dict[str, Any] = {"name": name, "namespace": config.istio_namespace}
    if labels:
        metadata["labels"] = dict(labels)
    return metadata


def proxy_pod_monitor(config: MeshConfig) -> dict[str, Any]:
    """Every Envoy in the mesh (sidecars and gateways), as Istio's
    samples/addons/extras/prometheus-operator.yaml scrapes them: pods with an
    ``istio-proxy`` container and the ``prometheus.io/scrape`` annotation the
    injector adds, at the port the annotation names (15020, the merged
    application and Envoy metrics)."""
    interval = config.mesh.telemetry.prometheus_operator.interval
    return {
        "apiVersion": MONITORING_API,
        "kind": "PodMonitor",
        "metadata": _metadata(config, PROXY_MONITOR_NAME),
        "spec": {
            "selector": {
                "matchExpressions": [{"key": "istio-prometheus-ignore", "operator": "DoesNotExist"}]
            },
            "namespaceSelector": {"any": True},
            "jobLabel": "envoy-stats",
            "podMetricsEndpoints": [{
                "path": "/stats/prometheus",
                "interval": interval,
                "relabelings": [
                    {"action": "keep", "sourceLabels": ["__meta_kubernetes_pod_container_name"],
                     "regex": "istio-proxy"},
                    {"action": "keep",
                     "sourceLabels": ["__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape"]},
                    {"action": "replace",
                     "sourceLabels": ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
                     "regex": r"([^:]+)(?::\d+)?;(\d+)", "replacement": "$1:$2",
                     "targetLabel": "__address__"},
                    {"action": "labeldrop", "regex": "__meta_kubernetes_pod_label_(.+)"},
                    {"action": "replace", "sourceLabels": ["__meta_kubernetes_namespace"],
                     "targetLabel": "namespace"},
                    {"action": "replace", "sourceLabels": ["__meta_kubernetes_pod_name"],
                     "targetLabel": "pod_name"},
                ],
            }],
        },
    }


def control_plane_service_monitor(config: MeshConfig) -> dict[str, Any]:
    """istiod's metrics: its Services carry ``istio: pilot`` and expose them
    on port ``http-monitoring`` (15014), every revision alike."""
    interval = config.mesh.telemetry.prometheus_operator.interval
    return {
        "apiVersion": MONITORING_API,
        "kind": "ServiceMonitor",
        "metadata": _metadata(config, CONTROL_PLANE_MONITOR_NAME),
        "spec": {
            "jobLabel": "istio",
            "targetLabels": ["app"],
            "selector": {"matchExpressions": [{"key": "istio", "operator": "In", "values": ["pilot"]}]},
            "namespaceSelector": {"matchNames": [config.istio_namespace]},
            "endpoints": [{"port": "http-monitoring", "interval": interval}],
        },
    }


def monitor_manifests(config: MeshConfig) -> list[dict[str, Any]]:
    """The PodMonitor and ServiceMonitor, when the option is on."""
    if not config.mesh.telemetry.prometheus_operator.enabled:
        return []
    return [proxy_pod_monitor(config), control_plane_service_monitor(config)]

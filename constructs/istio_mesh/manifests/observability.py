"""The ``observability:`` section's objects: Prometheus Operator monitors
and alert rules, Grafana dashboard ConfigMaps, and Kiali's chart values.

The monitors start from Istio's own samples/addons/extras/prometheus-operator.yaml
of the pinned release (shipped in this package), with the config's
namespace, labels, interval and namespace selection; ztunnel and the CNI
agent, which that sample does not scrape, get a PodMonitor each in the same
shape. Every built-in alert names only metrics the pinned Istio emits; the
config validator checks the same for user rules, and a test checks these.
"""

from __future__ import annotations

import copy
from typing import Any

from istio_mesh.config.addons import ADDONS_VERSION, DASHBOARD_FILES, dashboard_text, prometheus_operator_sample
from istio_mesh.config.gateways import chart_gateways
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.observability import AlertRule, ObservabilitySettings

MONITORING_API = "monitoring.coreos.com/v1"
RULES_NAME = "istio-mesh-alerts"
ZTUNNEL_MONITOR_NAME = "ztunnel-monitor"
CNI_MONITOR_NAME = "istio-cni-monitor"
MANAGED_BY = {"app.kubernetes.io/managed-by": "istio-mesh"}
ISTIOD_JOB = "pilot"
"""istiod's scrape job: the ServiceMonitor's jobLabel is ``istio`` and
istiod's Services carry ``istio: pilot``."""


def _settings(config: MeshConfig) -> ObservabilitySettings:
    if config.observability is None:
        raise ValueError("the config has no observability section")
    return config.observability


def _namespace(config: MeshConfig) -> str:
    return _settings(config).namespace or config.istio_namespace


def _metadata(config: MeshConfig, name: str, namespace: str | None = None) -> dict[str, Any]:
    labels = {**MANAGED_BY, **_settings(config).labels}
    return {"name": name, "namespace": namespace or _namespace(config), "labels": labels}


def _namespace_selector(config: MeshConfig) -> dict[str, Any]:
    namespaces = _settings(config).monitors.namespaces
    return {"matchNames": list(namespaces)} if namespaces else {"any": True}


def sample_monitors(config: MeshConfig) -> list[dict[str, Any]]:
    """Istio's PodMonitor (every Envoy) and ServiceMonitor (istiod), as the
    sample has them but for the config's namespace, labels and interval; the
    sidecars' namespaces as configured, istiod's in the root namespace."""
    interval = _settings(config).monitors.interval
    out = []
    for sample in prometheus_operator_sample():
        monitor = copy.deepcopy(sample)
        monitor["metadata"] = _metadata(config, sample["metadata"]["name"])
        spec = monitor["spec"]
        endpoints = spec.get("podMetricsEndpoints") or spec.get("endpoints")
        for endpoint in endpoints:
            endpoint["interval"] = interval
        if monitor["kind"] == "PodMonitor":
            spec["namespaceSelector"] = _namespace_selector(config)
        else:
            spec["namespaceSelector"] = {"matchNames": [config.istio_namespace]}
        out.append(monitor)
    return out


def _pod_monitor(
    config: MeshConfig, name: str, namespace: str, app_label: str, app: str, port: str, path: str
) -> dict[str, Any]:
    """A node agent's PodMonitor: its pods by their app label, in its namespace,
    its job named after the app (``jobLabel``)."""
    return {
        "apiVersion": MONITORING_API,
        "kind": "PodMonitor",
        "metadata": _metadata(config, name),
        "spec": {
            "selector": {"matchLabels": {app_label: app}},
            "namespaceSelector": {"matchNames": [namespace]},
            "jobLabel": app_label,
            "podMetricsEndpoints": [
                {"port": port, "path": path, "interval": _settings(config).monitors.interval}
            ],
        },
    }


def monitors(config: MeshConfig) -> list[dict[str, Any]]:
    """Istio's two monitors, then ztunnel's and the CNI agent's where installed."""
    if config.observability is None or not config.observability.monitors.enabled:
        return []
    out = sample_monitors(config)
    ambient = config.istio.profile == "ambient"
    if ambient:
        # ztunnel chart: pods labelled app: ztunnel, stats on port ztunnel-stats (15020).
        out.append(_pod_monitor(config, ZTUNNEL_MONITOR_NAME, config.istio_namespace, "app", "ztunnel",
                                "ztunnel-stats", "/stats/prometheus"))
    if ambient or config.cni.enabled:
        # istio-cni chart: pods labelled k8s-app: istio-cni-node, port metrics (15014).
        out.append(_pod_monitor(config, CNI_MONITOR_NAME, config.cni.namespace, "k8s-app",
                                "istio-cni-node", "metrics", "/metrics"))
    return out


def _rule(alert: str, expr: str, for_: str, severity: str, summary: str) -> dict[str, Any]:
    return {
        "alert": alert,
        "expr": expr,
        "for": for_,
        "labels": {"severity": severity},
        "annotations": {"summary": summary},
    }


def control_plane_rules(config: MeshConfig) -> list[dict[str, Any]]:
    """istiod up, xDS push errors and rejected configs, webhook and injection
    failures, certificate expiry."""
    t = _settings(config).alerts.thresholds
    seconds = t.certificate_expiry_days * 86400
    return [
        _rule("IstiodDown", f'absent(up{{job="{ISTIOD_JOB}"}} == 1)', t.for_, "critical",
              "No istiod instance is up: proxies get no configuration or certificates and no pod gets a sidecar."),
        _rule("IstioXdsPushErrors", 'sum by (type) (rate(pilot_xds_pushes{type=~".+_senderr"}[5m])) > 0',
              t.for_, "warning", "istiod fails to send xDS pushes to proxies."),
        _rule("IstioXdsRejects", "sum(rate(pilot_total_xds_rejects[5m])) > 0", t.for_, "warning",
              "Proxies reject configuration istiod sends them."),
        _rule("IstioConfigRejected", "sum by (type) (rate(pilot_total_rejected_configs[5m])) > 0",
              t.for_, "warning", "istiod rejects Istio resources it was given."),
        _rule("IstioValidationWebhookErrors", "sum(rate(galley_validation_http_error[5m])) > 0",
              t.for_, "warning", "The config validation webhook answers with errors."),
        _rule("IstioWebhookPatchFailures", "sum(rate(webhook_patch_failures_total[5m])) > 0",
              t.for_, "warning", "istiod fails to patch its webhook configurations."),
        _rule("IstioSidecarInjectionFailures", "sum(rate(sidecar_injection_failure_total[5m])) > 0",
              t.for_, "warning", "Sidecar injection fails: new pods start without their proxy."),
        _rule("IstioRootCertificateExpiring", f"min(citadel_server_root_cert_expiry_seconds) < {seconds}",
              "0s", "critical", f"istiod's root certificate expires within {t.certificate_expiry_days} days."),
        _rule("IstioSigningCertificateExpiring",
              f"min(citadel_server_cert_chain_expiry_seconds) < {seconds}", "0s", "critical",
              f"istiod's signing certificate chain expires within {t.certificate_expiry_days} days."),
    ]


def data_plane_rules(config: MeshConfig) -> list[dict[str, Any]]:
    """ztunnel and CNI readiness (with kube-state-metrics) and each chart
    gateway's 5xx ratio."""
    settings = _settings(config)
    t = settings.alerts.thresholds
    out = []
    ambient = config.istio.profile == "ambient"
    def unready(alert: str, daemonset: str, namespace: str, summary: str) -> dict[str, Any]:
        expr = (f'max(kube_daemonset_status_number_unavailable{{daemonset="{daemonset}",'
                f'namespace="{namespace}"}}) > 0')
        return _rule(alert, expr, t.for_, "critical", summary)

    if "kube-state-metrics" in settings.alerts.other_metric_sources:
        if ambient:
            out.append(unready("ZtunnelNotReady", "ztunnel", config.istio_namespace,
                               "ztunnel pods are not ready: ambient workloads on their nodes lose traffic."))
        if ambient or config.cni.enabled:
            out.append(unready("IstioCniNotReady", "istio-cni-node", config.cni.namespace,
                               "istio-cni pods are not ready: new pods on their nodes cannot start in the mesh."))
    if ambient or config.cni.enabled:
        out.append(_rule("IstioCniInstallNotReady", "min(istio_cni_install_ready) == 0", t.for_, "warning",
                         "An istio-cni agent has not installed its plugin on its node."))
    gateways = [g.name for _, g in chart_gateways(config)]
    if gateways:
        selector = f'reporter="source",source_workload=~"{"|".join(gateways)}"'
        by = "by (source_workload, source_workload_namespace)"
        out.append(_rule(
            "IstioGateway5xxRatioHigh",
            f'sum {by} (rate(istio_requests_total{{{selector},response_code=~"5.."}}[5m]))'
            f" / sum {by} (rate(istio_requests_total{{{selector}}}[5m])) > {t.gateway_5xx_ratio:g}",
            t.for_, "critical", f"More than {t.gateway_5xx_ratio:.0%} of a gateway's responses are 5xx."))
    return out


def _user_rule(rule: AlertRule) -> dict[str, Any]:
    out = _rule(rule.alert, rule.expr, rule.for_, rule.severity, rule.summary)
    if not rule.summary:
        del out["annotations"]
    return out


def prometheus_rules(config: MeshConfig) -> list[dict[str, Any]]:
    """One PrometheusRule: the control-plane group, the data-plane group and
    the config's own rules (a group only when it has any)."""
    if config.observability is None or not config.observability.alerts.enabled:
        return []
    groups = [
        ("istio.control-plane", control_plane_rules(config)),
        ("istio.data-plane", data_plane_rules(config)),
        ("istio.custom", [_user_rule(r) for r in config.observability.alerts.rules]),
    ]
    return [{
        "apiVersion": MONITORING_API,
        "kind": "PrometheusRule",
        "metadata": _metadata(config, RULES_NAME),
        "spec": {"groups": [{"name": name, "rules": rules} for name, rules in groups if rules]},
    }]


def dashboard_name(file: str) -> str:
    """``pilot-dashboard.gen.json`` -> ``istio-dashboard-pilot``."""
    stem = file.removesuffix(".json").removesuffix(".gen").removesuffix("-dashboard")
    return f"istio-dashboard-{stem.removeprefix('istio-')}"


def dashboards(config: MeshConfig) -> list[dict[str, Any]]:
    """One ConfigMap per Istio dashboard of the pinned release, its JSON
    exactly as upstream ships it, labelled for Grafana's sidecar."""
    if config.observability is None or not config.observability.dashboards.enabled:
        return []
    settings = config.observability.dashboards
    namespace = settings.namespace or config.istio_namespace
    out = []
    for file in DASHBOARD_FILES:
        metadata: dict[str, Any] = {
            "name": dashboard_name(file),
            "namespace": namespace,
            "labels": {**MANAGED_BY, "istio.io/dashboards-version": ADDONS_VERSION, **settings.labels},
        }
        if settings.folder is not None:
            metadata["annotations"] = {settings.folder_annotation: settings.folder}
        out.append({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata,
            "data": {file.replace(".gen.json", ".json"): dashboard_text(file)},
        })
    return out


def observability_manifests(config: MeshConfig) -> list[dict[str, Any]]:
    """Monitors, then the alert rules, then the dashboards."""
    return [*monitors(config), *prometheus_rules(config), *dashboards(config)]


def kiali_values(config: MeshConfig) -> dict[str, Any]:
    """kiali-server chart values: the mesh's root namespace, the config's
    sign-in strategy and Prometheus, no sidecar in Kiali's own pod."""
    kiali = _settings(config).kiali
    external: dict[str, Any] = {
        "istio": {"root_namespace": config.istio_namespace},
        "prometheus": {"url": kiali.prometheus_url},
        "tracing": {"enabled": False},
    }
    if kiali.grafana_url is not None:
        external["grafana"] = {"enabled": True, "internal_url": kiali.grafana_url}
    else:
        external["grafana"] = {"enabled": False}
    deployment: dict[str, Any] = {"pod_labels": {"sidecar.istio.io/inject": "false"}}
    if kiali.annotations:
        deployment["pod_annotations"] = dict(kiali.annotations)
    return {
        "auth": {"strategy": kiali.auth.strategy},
        "deployment": deployment,
        "external_services": external,
    }

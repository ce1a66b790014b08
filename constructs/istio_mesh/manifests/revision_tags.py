"""Revision tags as Kubernetes objects, as Istio's charts and istioctl render them.

A tag is a MutatingWebhookConfiguration (``istio-revision-tag-<tag>``) that
injects pods of ``istio.io/rev=<tag>`` namespaces from the tag's revision,
plus a Service ``istiod-revision-tag-<tag>`` selecting that revision's pods.
The webhooks mirror the istiod chart's ``revision-tags-mwc.yaml`` (1.30) and
``istioctl tag generate``; ``caBundle`` is left out on purpose: the target
istiod patches it into every webhook labelled with its revision, and
server-side apply leaves a field this stack never sets to its owner.
"""

from __future__ import annotations

from typing import Any

from istio_mesh.config.control_planes import DEFAULT_REVISION, ControlPlane

INJECTION_PATH = "/inject"


def tag_webhook_name(tag: str, istio_namespace: str) -> str:
    """The chart's name for a tag's webhook configuration."""
    base = f"istio-revision-tag-{tag}"
    return base if istio_namespace == "istio-system" else f"{base}-{istio_namespace}"


def tag_labels(tag: str, plane: ControlPlane) -> dict[str, str]:
    """``istio.io/rev`` is what the target istiod selects when patching caBundle."""
    return {
        "istio.io/tag": tag,
        "istio.io/rev": plane.revision,
        "app": "sidecar-injector",
        "app.kubernetes.io/name": "istiod",
        "app.kubernetes.io/managed-by": "istio-mesh",
    }


def _webhook(prefix: str, plane: ControlPlane, istio_namespace: str) -> dict[str, Any]:
    return {
        "name": f"{prefix}sidecar-injector.istio.io",
        "clientConfig": {
            "service": {
                "name": plane.release_name,
                "namespace": istio_namespace,
                "path": INJECTION_PATH,
                "port": 443,
            }
        },
        "sideEffects": "None",
        "rules": [
            {
                "operations": ["CREATE"],
                "apiGroups": [""],
                "apiVersions": ["v1"],
                "resources": ["pods"],
            }
        ],
        "failurePolicy": "Fail",
        "reinvocationPolicy": "Never",
        "admissionReviewVersions": ["v1"],
    }


def _expr(key: str, operator: str, *values: str) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "operator": operator}
    if values:
        out["values"] = list(values)
    return out


def _selectors(tag: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(prefix, namespaceSelector, objectSelector) per webhook, as in the chart."""
    not_opted_out = {"matchExpressions": [_expr("sidecar.istio.io/inject", "NotIn", "false")]}
    out = [
        (
            "rev.namespace.",
            {"matchExpressions": [
                _expr("istio.io/rev", "In", tag), _expr("istio-injection", "DoesNotExist"),
            ]},
            not_opted_out,
        ),
        (
            "rev.object.",
            {"matchExpressions": [
                _expr("istio.io/rev", "DoesNotExist"), _expr("istio-injection", "DoesNotExist"),
            ]},
            {"matchExpressions": [
                _expr("sidecar.istio.io/inject", "NotIn", "false"),
                _expr("istio.io/rev", "In", tag),
            ]},
        ),
    ]
    if tag == DEFAULT_REVISION:
        # The default tag also serves the legacy selectors the un-revisioned
        # istiod would: istio-injection=enabled namespaces, and pods asking
        # for injection without naming a revision (gateways).
        out += [
            (
                "namespace.",
                {"matchExpressions": [_expr("istio-injection", "In", "enabled")]},
                not_opted_out,
            ),
            (
                "object.",
                {"matchExpressions": [
                    _expr("istio-injection", "DoesNotExist"), _expr("istio.io/rev", "DoesNotExist"),
                ]},
                {"matchExpressions": [
                    _expr("sidecar.istio.io/inject", "In", "true"),
                    _expr("istio.io/rev", "DoesNotExist"),
                ]},
            ),
        ]
    return out


def tag_webhook(tag: str, plane: ControlPlane, istio_namespace: str) -> dict[str, Any]:
    """The tag's MutatingWebhookConfiguration."""
    webhooks = []
    for prefix, namespaces, objects in _selectors(tag):
        webhook = _webhook(prefix, plane, istio_namespace)
        webhook["namespaceSelector"] = namespaces
        webhook["objectSelector"] = objects
        webhooks.append(webhook)
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": {
            "name": tag_webhook_name(tag, istio_namespace),
            "labels": tag_labels(tag, plane),
        },
        "webhooks": webhooks,
    }


def tag_service(tag: str, plane: ControlPlane, istio_namespace: str) -> dict[str, Any]:
    """The tag's Service: the tag's name for its revision's istiod endpoints."""
    selector = {"app": "istiod"}
    if plane.chart_revision:
        selector["istio.io/rev"] = plane.chart_revision
    else:
        selector["istio"] = "pilot"
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": f"istiod-revision-tag-{tag}",
            "namespace": istio_namespace,
            "labels": {**tag_labels(tag, plane), "app": "istiod", "istio": "pilot"},
        },
        "spec": {
            "ports": [
                {"port": 15010, "name": "grpc-xds", "protocol": "TCP"},
                {"port": 15012, "name": "https-dns", "protocol": "TCP"},
                {"port": 443, "name": "https-webhook", "targetPort": 15017, "protocol": "TCP"},
                {"port": 15014, "name": "http-monitoring", "protocol": "TCP"},
            ],
            "selector": selector,
        },
    }

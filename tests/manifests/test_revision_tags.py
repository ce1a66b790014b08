"""``manifests.revision_tags`` renders a revision tag as Istio's chart and
``istioctl tag generate`` do: a MutatingWebhookConfiguration injecting from
the tag's revision, and a Service naming that revision's istiod. This file
checks the exact objects for a revisioned and an un-revisioned istiod."""

from __future__ import annotations

from typing import Any

from conftest import config_from
from istio_mesh.config.control_planes import ControlPlane, control_planes
from istio_mesh.manifests.revision_tags import tag_labels, tag_service, tag_webhook, tag_webhook_name

TWO_REVISIONS = "istio: {version: '1.30.3'}\nrevisions: [{name: default}, {name: canary}]\n"


def _plane(revision: str) -> ControlPlane:
    return next(p for p in control_planes(config_from(TWO_REVISIONS)) if p.revision == revision)


def _injector(name: str, service: str, namespace: str) -> dict[str, Any]:
    """The fields every tag webhook shares, written out once for the expectations."""
    return {
        "name": name,
        "clientConfig": {"service": {"name": service, "namespace": namespace, "path": "/inject", "port": 443}},
        "sideEffects": "None",
        "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}],
        "failurePolicy": "Fail",
        "reinvocationPolicy": "Never",
        "admissionReviewVersions": ["v1"],
    }


def test_the_webhook_name_in_istio_system_is_the_bare_chart_name() -> None:
    assert tag_webhook_name("stable", "istio-system") == "istio-revision-tag-stable"


def test_the_webhook_name_elsewhere_carries_the_namespace() -> None:
    assert tag_webhook_name("stable", "mesh-root") == "istio-revision-tag-stable-mesh-root"


def test_tag_labels_name_the_tag_and_the_revision_istiod_patches() -> None:
    assert tag_labels("stable", _plane("canary")) == {
        "istio.io/tag": "stable",
        "istio.io/rev": "canary",
        "app": "sidecar-injector",
        "app.kubernetes.io/name": "istiod",
        "app.kubernetes.io/managed-by": "istio-mesh",
    }


def test_a_tag_webhook_selects_rev_labelled_namespaces_and_pods_only() -> None:
    webhook = tag_webhook("stable", _plane("canary"), "istio-system")
    assert webhook == {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": {
            "name": "istio-revision-tag-stable",
            "labels": {
                "istio.io/tag": "stable",
                "istio.io/rev": "canary",
                "app": "sidecar-injector",
                "app.kubernetes.io/name": "istiod",
                "app.kubernetes.io/managed-by": "istio-mesh",
            },
        },
        "webhooks": [
            {
                **_injector("rev.namespace.sidecar-injector.istio.io", "istiod-canary", "istio-system"),
                "namespaceSelector": {"matchExpressions": [
                    {"key": "istio.io/rev", "operator": "In", "values": ["stable"]},
                    {"key": "istio-injection", "operator": "DoesNotExist"},
                ]},
                "objectSelector": {"matchExpressions": [
                    {"key": "sidecar.istio.io/inject", "operator": "NotIn", "values": ["false"]},
                ]},
            },
            {
                **_injector("rev.object.sidecar-injector.istio.io", "istiod-canary", "istio-system"),
                "namespaceSelector": {"matchExpressions": [
                    {"key": "istio.io/rev", "operator": "DoesNotExist"},
                    {"key": "istio-injection", "operator": "DoesNotExist"},
                ]},
                "objectSelector": {"matchExpressions": [
                    {"key": "sidecar.istio.io/inject", "operator": "NotIn", "values": ["false"]},
                    {"key": "istio.io/rev", "operator": "In", "values": ["stable"]},
                ]},
            },
        ],
    }


def test_no_webhook_carries_a_ca_bundle_for_istiod_to_fight_over() -> None:
    webhook = tag_webhook("default", _plane("canary"), "istio-system")
    assert [sorted(w["clientConfig"]) for w in webhook["webhooks"]] == [["service"]] * 4


def test_the_default_tag_adds_the_legacy_injection_and_object_webhooks() -> None:
    webhooks = tag_webhook("default", _plane("default"), "mesh-root")["webhooks"]
    assert [w["name"] for w in webhooks] == [
        "rev.namespace.sidecar-injector.istio.io",
        "rev.object.sidecar-injector.istio.io",
        "namespace.sidecar-injector.istio.io",
        "object.sidecar-injector.istio.io",
    ]
    assert webhooks[2] == {
        **_injector("namespace.sidecar-injector.istio.io", "istiod", "mesh-root"),
        "namespaceSelector": {"matchExpressions": [
            {"key": "istio-injection", "operator": "In", "values": ["enabled"]},
        ]},
        "objectSelector": {"matchExpressions": [
            {"key": "sidecar.istio.io/inject", "operator": "NotIn", "values": ["false"]},
        ]},
    }
    assert webhooks[3]["namespaceSelector"] == {"matchExpressions": [
        {"key": "istio-injection", "operator": "DoesNotExist"},
        {"key": "istio.io/rev", "operator": "DoesNotExist"},
    ]}
    assert webhooks[3]["objectSelector"] == {"matchExpressions": [
        {"key": "sidecar.istio.io/inject", "operator": "In", "values": ["true"]},
        {"key": "istio.io/rev", "operator": "DoesNotExist"},
    ]}


def test_a_tag_service_selects_its_revisions_istiod_pods() -> None:
    assert tag_service("stable", _plane("canary"), "istio-system") == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "istiod-revision-tag-stable",
            "namespace": "istio-system",
            "labels": {
                "istio.io/tag": "stable",
                "istio.io/rev": "canary",
                "app": "istiod",
                "app.kubernetes.io/name": "istiod",
                "app.kubernetes.io/managed-by": "istio-mesh",
                "istio": "pilot",
            },
        },
        "spec": {
            "ports": [
                {"port": 15010, "name": "grpc-xds", "protocol": "TCP"},
                {"port": 15012, "name": "https-dns", "protocol": "TCP"},
                {"port": 443, "name": "https-webhook", "targetPort": 15017, "protocol": "TCP"},
                {"port": 15014, "name": "http-monitoring", "protocol": "TCP"},
            ],
            "selector": {"app": "istiod", "istio.io/rev": "canary"},
        },
    }


def test_a_tag_of_the_unrevisioned_istiod_selects_it_by_the_istio_pilot_label() -> None:
    service = tag_service("stable", _plane("default"), "mesh-root")
    assert service["metadata"]["namespace"] == "mesh-root"
    assert service["spec"]["selector"] == {"app": "istiod", "istio": "pilot"}

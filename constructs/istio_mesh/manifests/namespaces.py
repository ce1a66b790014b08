"""Kubernetes objects the policies stack applies, built from config."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.namespaces import MtlsMode, NamespaceSettings
from istio_mesh.config.objects import SECURITY_API

INJECTION_LABEL = "istio-injection"
REVISION_LABEL = "istio.io/rev"
DATAPLANE_MODE_LABEL = "istio.io/dataplane-mode"
USE_WAYPOINT_LABEL = "istio.io/use-waypoint"
WAYPOINT_NAME = "waypoint"


def peer_authentication(name: str, namespace: str, mode: MtlsMode) -> dict[str, Any]:
    """A namespace-wide PeerAuthentication (no selector)."""
    return {
        "apiVersion": SECURITY_API,
        "kind": "PeerAuthentication",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"mtls": {"mode": mode.value}},
    }


def mtls_policies(config: MeshConfig) -> list[tuple[str, MtlsMode]]:
    """(namespace, mode) for every PeerAuthentication: the mesh-wide one (in the
    root namespace, where Istio looks for it) first, then overrides by name."""
    overrides = sorted(config.mtls.namespace_overrides.items())
    return [(config.istio_namespace, config.mtls.mode), *overrides]


def namespace_labels(namespace: NamespaceSettings) -> dict[str, str]:
    """Labels this stack owns on an onboarded namespace.

    Exactly one data-plane selector is written: ``istio.io/rev`` for a
    revision or tag, else ``istio-injection``; ambient namespaces get
    ``istio.io/dataplane-mode=ambient`` and no sidecar label at all. Moving a
    namespace between them replaces the label, since the stack owns all four.
    """
    labels = dict(namespace.labels)
    if namespace.dataplane == "ambient":
        labels[DATAPLANE_MODE_LABEL] = "ambient"
        if namespace.waypoint:
            labels[USE_WAYPOINT_LABEL] = WAYPOINT_NAME
    elif namespace.revision is not None:
        labels[REVISION_LABEL] = namespace.revision
    else:
        labels[INJECTION_LABEL] = "enabled" if namespace.injection else "disabled"
    return labels


def waypoint(namespace: str) -> dict[str, Any]:
    """A namespace's waypoint proxy, as ``istioctl waypoint generate`` writes it:
    a Gateway API Gateway of class istio-waypoint listening for HBONE."""
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {
            "name": WAYPOINT_NAME,
            "namespace": namespace,
            "labels": {"istio.io/waypoint-for": "service"},
        },
        "spec": {
            "gatewayClassName": "istio-waypoint",
            "listeners": [{"name": "mesh", "port": 15008, "protocol": "HBONE"}],
        },
    }

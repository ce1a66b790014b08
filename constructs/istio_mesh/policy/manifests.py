"""Kubernetes objects the policies stack applies, built from config."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.models import MeshConfig, MtlsMode, NamespaceSettings

SECURITY_API = "security.istio.io/v1"
INJECTION_LABEL = "istio-injection"


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
    """Labels this stack owns on an onboarded namespace."""
    injection = "enabled" if namespace.injection else "disabled"
    return {**namespace.labels, INJECTION_LABEL: injection}

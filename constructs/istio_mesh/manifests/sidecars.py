"""Default Sidecar objects (networking.istio.io/v1) that scope each onboarded
namespace's proxies to the hosts they need."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.namespaces import NamespaceSettings
from istio_mesh.config.sidecars import has_sidecar_injection
from istio_mesh.config.objects import NETWORKING_API, SIDECAR_NAME
from istio_mesh.manifests.egress import routed_gateway_hosts



def egress_hosts(config: MeshConfig, namespace: NamespaceSettings) -> list[str]:
    """Its own namespace and the root namespace (where the mesh-wide
    ServiceEntries and routes live), egress gateways in use, then the
    configured extras; each once, in that order."""
    scope = config.sidecar_scope
    hosts = [
        "./*",
        f"{config.istio_namespace}/*",
        *routed_gateway_hosts(config),
        *scope.hosts,
        *scope.namespace_hosts.get(namespace.name, ()),
    ]
    return list(dict.fromkeys(hosts))


def sidecar(config: MeshConfig, namespace: NamespaceSettings) -> dict[str, Any]:
    """The namespace-wide default Sidecar."""
    return {
        "apiVersion": NETWORKING_API,
        "kind": "Sidecar",
        "metadata": {"name": SIDECAR_NAME, "namespace": namespace.name},
        "spec": {"egress": [{"hosts": egress_hosts(config, namespace)}]},
    }


def sidecar_manifests(config: MeshConfig) -> list[dict[str, Any]]:
    """One Sidecar per onboarded namespace whose pods run sidecars, when scoping is on."""
    if not config.sidecar_scope.enabled:
        return []
    return [sidecar(config, ns) for ns in config.namespaces if has_sidecar_injection(ns)]

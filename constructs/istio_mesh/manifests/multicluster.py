"""Istio resources that join networks: the cross-network Gateway and, on a
primary that serves remote clusters, istiod exposed on the east-west gateway.

As in Istio's samples/multicluster (expose-services.yaml, expose-istiod.yaml),
in the root namespace; the Gateway's selector matches the east-west
gateway's pods in whichever namespace they run.
"""

from __future__ import annotations

from typing import Any

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.multicluster import EASTWEST_KIND
from istio_mesh.config.objects import (
    ISTIOD_GATEWAY,
    ISTIOD_VIRTUAL_SERVICE,
    NETWORKING_API,
    cross_network_gateway_name,
)
from istio_mesh.config.gateways import gateway_selector



def multicluster_manifests(config: MeshConfig) -> list[dict[str, Any]]:
    """For each east-west gateway: ``cross-network-gateway`` passes mTLS on
    15443 through by SNI (AUTO_PASSTHROUGH) to services of this network; on a
    primary with ``externalIstiod``, istiod's XDS (15012) and webhook (15017)
    too, for the remotes' proxies and API servers."""
    mc = config.multicluster
    gateways = [g for g in config.gateways if g.kind == EASTWEST_KIND]
    if mc is None or not gateways:
        return []
    namespace = config.istio_namespace
    out: list[dict[str, Any]] = []
    for i, gateway in enumerate(gateways):
        selector = gateway_selector(gateway)
        out.append(
            _gateway(
                cross_network_gateway_name(i, gateway.name),
                namespace,
                selector,
                [
                    {
                        "port": {"number": 15443, "name": "tls", "protocol": "TLS"},
                        "tls": {"mode": "AUTO_PASSTHROUGH"},
                        "hosts": ["*.local"],
                    }
                ],
            )
        )
        if mc.external_istiod and i == 0:
            out.extend(_expose_istiod(namespace, selector))
    return out


def _gateway(
    name: str, namespace: str, selector: dict[str, str], servers: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "apiVersion": NETWORKING_API,
        "kind": "Gateway",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"selector": dict(selector), "servers": servers},
    }


def _expose_istiod(namespace: str, selector: dict[str, str]) -> list[dict[str, Any]]:
    istiod = f"istiod.{namespace}.svc.cluster.local"
    passthrough = [
        {
            "port": {"name": name, "number": number, "protocol": "TLS"},
            "tls": {"mode": "PASSTHROUGH"},
            "hosts": ["*"],
        }
        for name, number in (("tls-istiod", 15012), ("tls-istiodwebhook", 15017))
    ]
    routes = [
        {
            "match": [{"port": port, "sniHosts": ["*"]}],
            "route": [{"destination": {"host": istiod, "port": {"number": target}}}],
        }
        for port, target in ((15012, 15012), (15017, 443))
    ]
    return [
        _gateway(ISTIOD_GATEWAY, namespace, selector, passthrough),
        {
            "apiVersion": NETWORKING_API,
            "kind": "VirtualService",
            "metadata": {"name": ISTIOD_VIRTUAL_SERVICE, "namespace": namespace},
            "spec": {"hosts": ["*"], "gateways": [ISTIOD_GATEWAY], "tls": routes},
        },
    ]

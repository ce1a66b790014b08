"""Chart values that place a cluster in a multicluster mesh.

Every value comes from the one ``multicluster`` section, so istiod, ztunnel,
the east-west gateway and (in the mesh stack) the root namespace's network
label always name the same cluster and network.
"""

from __future__ import annotations

from typing import Any

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.gateways import GatewaySettings
from istio_mesh.config.multicluster import EASTWEST_KIND

REMOTE_PROFILE = "remote"


def injection_path(cluster: str, network: str) -> str:
    """The primary's injector URL path for a remote's pods: istiod reads the
    cluster and network from it to fill in each injected proxy's identity."""
    return f"/inject/cluster/{cluster}/net/{network}"


def istiod_multicluster_values(config: MeshConfig) -> dict[str, Any]:
    """``global.multiCluster.clusterName`` and ``global.network`` for every
    istiod; ``externalIstiod`` on a primary that serves remotes; on a remote,
    the ``remote`` profile (no istiod Deployment, only the injection webhook
    and the istiod Service pointing at ``remotePilotAddress``), as Istio's
    Helm primary-remote install documents."""
    mc = config.multicluster
    if mc is None:
        return {}
    global_values: dict[str, Any] = {
        "multiCluster": {"clusterName": mc.cluster_name},
        "network": mc.network,
    }
    values: dict[str, Any] = {"global": global_values}
    if mc.is_remote:
        global_values["remotePilotAddress"] = mc.primary_address
        values["profile"] = REMOTE_PROFILE
        values["istiodRemote"] = {"injectionPath": injection_path(mc.cluster_name, mc.network)}
    elif mc.external_istiod:
        global_values["externalIstiod"] = True
    return values


def base_multicluster_values(config: MeshConfig) -> dict[str, Any]:
    """A remote's base chart takes the ``remote`` profile too."""
    mc = config.multicluster
    return {"profile": REMOTE_PROFILE} if mc is not None and mc.is_remote else {}


def ztunnel_multicluster_values(config: MeshConfig) -> dict[str, Any]:
    """ztunnel reads cluster and network at its top level, not under ``global``."""
    mc = config.multicluster
    if mc is None:
        return {}
    return {"network": mc.network, "multiCluster": {"clusterName": mc.cluster_name}}


def gateway_multicluster_values(config: MeshConfig, gateway: GatewaySettings) -> dict[str, Any]:
    """An east-west gateway is the chart's network gateway: ``networkGateway``
    labels pods and Service ``topology.istio.io/network``, sets
    ``ISTIO_META_REQUESTED_NETWORK_VIEW`` and exposes the cross-network ports
    (status 15021, mTLS 15443, istiod 15012, webhook 15017) from the chart's
    ``networkGatewayPorts``, so ``service.ports`` is left empty."""
    if gateway.kind != EASTWEST_KIND or config.multicluster is None:
        return {}
    return {"networkGateway": config.multicluster.network}



"""Values for the ``gateway`` chart: one ingress or egress gateway."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.gateways import gateway_pod_labels
from istio_mesh.config.merge import deep_merge
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.gateways import GatewaySettings
from istio_mesh.values.common import (
    has_disruption_budget,
    profile_selectors,
    replica_floor,
    scheduling,
)
from istio_mesh.values.multicluster import gateway_multicluster_values
from istio_mesh.values.placement import gateway_placement


def gateway_values(config: MeshConfig, gateway: GatewaySettings) -> dict[str, Any]:
    """Replicas, autoscaler and PDB agree, as for istiod.

    The chart's HPA floor defaults to 1 and its ``podDisruptionBudget`` to
    none, so both are set from ``replicas``: the floor always, the PDB from two
    replicas on. The pod image is ``auto`` (filled in by istiod's injector), so
    hub and tag come from istiod; pull secrets are the gateway's own.
    """
    low, high = replica_floor(gateway.replicas, gateway.autoscaling)
    autoscaling: dict[str, Any] = {"enabled": gateway.autoscaling.enabled}
    if gateway.autoscaling.enabled:
        autoscaling.update(minReplicas=low, maxReplicas=high)
    values: dict[str, Any] = {
        **profile_selectors(config.istio),
        "replicaCount": low,
        "autoscaling": autoscaling,
        "podDisruptionBudget": (
            {"maxUnavailable": 1} if has_disruption_budget(low) else {}
        ),
        "service": {
            "type": gateway.service_type,
            "ports": [
                {
                    "name": port.name,
                    "port": port.port,
                    "protocol": port.protocol,
                    "targetPort": port.target_port or port.port,
                }
                for port in gateway.service.ports
            ],
            "annotations": dict(gateway.service.annotations),
        },
    }
    if gateway.revision is not None:
        # Labels the pods istio.io/rev=<revision or tag>, which selects the
        # injector (and so the istiod) that configures them.
        values["revision"] = gateway.revision
    if gateway.resources is not None:
        values["resources"] = gateway.resources.to_values()
    if config.istio.image_pull_secrets:
        values["imagePullSecrets"] = [{"name": s} for s in config.istio.image_pull_secrets]
    values.update(scheduling(gateway.spread, gateway_pod_labels(gateway)))
    network = gateway_multicluster_values(config, gateway)
    if network:
        values["service"]["ports"] = []
        values.update(network)
    values.update(gateway_placement(gateway.placement))
    return deep_merge(values, gateway.extra_values)

"""Values for the ``istiod`` chart: the control plane and the mesh config."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.control_planes import ControlPlane
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.values.ca import ca_values
from istio_mesh.values.common import (
    chart_globals,
    has_disruption_budget,
    profile_selectors,
    replica_floor,
    scheduling,
)
from istio_mesh.config.merge import deep_merge
from istio_mesh.values.multicluster import istiod_multicluster_values
from istio_mesh.values.placement import istiod_placement


def istiod_pod_labels(plane: ControlPlane) -> dict[str, str]:
    """Labels of one revision's pods (the chart labels the un-revisioned one
    ``istio.io/rev: default``), so spreading keeps apart only its own replicas."""
    return {"app": "istiod", "istio.io/rev": plane.revision}


def istiod_values(config: MeshConfig, plane: ControlPlane) -> dict[str, Any]:
    """The replica count in the config is the count that runs.

    Since Istio 1.24 the chart omits ``spec.replicas`` while ``autoscaleEnabled``
    is true (its default) and the HPA floor ``autoscaleMin`` defaults to 1, so
    ``replicaCount`` alone would leave a "3 replica" control plane at one pod.
    With autoscaling on, the floor is the configured count; with it off,
    ``replicaCount`` is used and no HPA exists. Each revision is its own
    release with its own floor, so two revisions run side by side at full
    strength during a canary upgrade.
    """
    istiod = plane.settings
    low, high = replica_floor(istiod.replicas, istiod.autoscaling)
    values: dict[str, Any] = {
        "global": {
            **chart_globals(config),
            "defaultPodDisruptionBudget": {"enabled": has_disruption_budget(low)},
        },
        **profile_selectors(config.istio),
        "autoscaleEnabled": istiod.autoscaling.enabled,
        "replicaCount": low,
        "meshConfig": mesh_config(config),
    }
    if plane.chart_revision:
        values["revision"] = plane.chart_revision
    if config.mesh.mesh_id:
        # global.meshID feeds meshConfig.defaultConfig.meshId and every proxy's
        # ISTIO_META_MESH_ID; unset, the chart leaves both to the trust domain.
        values["global"]["meshID"] = config.mesh.mesh_id
    if has_disruption_budget(low):
        # The chart's budget is minAvailable: 1, which lets a drain take two of
        # three istiods at once; maxUnavailable (read by the chart's
        # poddisruptionbudget.yaml, documented in a values.yaml comment) keeps
        # all but one running whatever the autoscaler has added.
        values["pdb"] = {"maxUnavailable": 1}
    if istiod.autoscaling.enabled:
        values["autoscaleMin"] = low
        values["autoscaleMax"] = high
    if istiod.resources is not None:
        values["resources"] = istiod.resources.to_values()
    if config.mesh.proxy.resources is not None:
        values["global"]["proxy"] = {"resources": config.mesh.proxy.resources.to_values()}
    # The injector must know the CNI agent sets up pod networking, or it keeps
    # adding the privileged istio-init container the CNI exists to remove.
    values["cni"] = {"enabled": config.cni.enabled}
    values.update(scheduling(istiod.spread, istiod_pod_labels(plane)))
    values = deep_merge(values, ca_values(config))
    values = deep_merge(values, istiod_multicluster_values(config))
    values = deep_merge(values, istiod_placement(istiod.placement))
    return deep_merge(values, istiod.extra_values)


def mesh_config(config: MeshConfig) -> dict[str, Any]:
    """``meshConfig``: every setting the config owns is written out, even at its
    default, so the mesh does not change when a chart's defaults do.

    ``enableTracing: false`` stays when legacy tracing is off: Istio ignores it
    for proxies a Telemetry resource traces and otherwise it keeps the legacy
    Zipkin default from sending spans nowhere. ``defaultConfig.tracing`` is
    written only for configs that turn legacy tracing on. The trust domain
    and its aliases are written only when set (Istio's default is
    ``cluster.local``)."""
    mesh = config.mesh
    default_config: dict[str, Any] = {
        "holdApplicationUntilProxyStarts": mesh.hold_application_until_proxy_starts,
    }
    if mesh.dns_capture:
        # proxyMetadata values are environment variables: strings, not booleans.
        default_config["proxyMetadata"] = {"ISTIO_META_DNS_CAPTURE": "true"}
    if mesh.tracing.enabled:
        tracing: dict[str, Any] = {"sampling": mesh.tracing.sampling}
        if mesh.tracing.zipkin_address:
            tracing["zipkin"] = {"address": mesh.tracing.zipkin_address}
        default_config["tracing"] = tracing
    out: dict[str, Any] = {
        "rootNamespace": config.istio_namespace,
        "accessLogFile": mesh.access_log.file,
        "accessLogEncoding": mesh.access_log.encoding,
        "enableTracing": mesh.tracing.enabled,
        "outboundTrafficPolicy": {"mode": mesh.outbound_traffic_policy.value},
        "defaultConfig": default_config,
    }
    if mesh.access_log.format:
        out["accessLogFormat"] = mesh.access_log.format
    if mesh.trust_domain is not None:
        out["trustDomain"] = mesh.trust_domain
    if mesh.trust_domain_aliases:
        out["trustDomainAliases"] = list(mesh.trust_domain_aliases)
    if mesh.extension_providers:
        out["extensionProviders"] = [p.to_values() for p in mesh.extension_providers]
    return out

"""istiod chart values, built without jsii."""

from __future__ import annotations

from typing import Any

from conftest import config_from
from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.values import istiod_values as istiod_values_of


def istiod_values(config: MeshConfig) -> dict[str, Any]:
    """Values of the config's only (un-revisioned) istiod."""
    (plane,) = control_planes(config)
    return istiod_values_of(config, plane)


def test_autoscaled_istiod_runs_at_least_the_configured_replicas() -> None:
    values = istiod_values(config_from("istiod: {replicas: 3, autoscaling: {maxReplicas: 7}}"))
    # Since 1.24 the chart ignores replicaCount while autoscaleEnabled is
    # true, so the floor is what makes three pods run.
    assert values["autoscaleEnabled"] is True
    assert (values["autoscaleMin"], values["autoscaleMax"]) == (3, 7)


def test_fixed_istiod_turns_the_autoscaler_off() -> None:
    values = istiod_values(config_from("istiod: {replicas: 2, autoscaling: {enabled: false}}"))
    assert values["autoscaleEnabled"] is False
    assert values["replicaCount"] == 2
    assert "autoscaleMin" not in values and "autoscaleMax" not in values


def test_ceiling_never_below_floor() -> None:
    values = istiod_values(config_from("istiod: {replicas: 5}"))
    assert (values["autoscaleMin"], values["autoscaleMax"]) == (5, 5)


def test_disruption_budget_from_two_replicas() -> None:
    one = istiod_values(config_from("istiod: {replicas: 1}"))
    two = istiod_values(config_from("istiod: {replicas: 2}"))
    assert one["global"]["defaultPodDisruptionBudget"] == {"enabled": False}
    assert "pdb" not in one
    assert two["global"]["defaultPodDisruptionBudget"] == {"enabled": True}
    assert two["pdb"] == {"maxUnavailable": 1}


def test_resources_only_when_configured() -> None:
    assert "resources" not in istiod_values(config_from("{}"))
    values = istiod_values(
        config_from("istiod: {resources: {requests: {cpu: 100m, memory: 256Mi}}}")
    )
    assert values["resources"] == {"requests": {"cpu": "100m", "memory": "256Mi"}}


def test_mesh_config_written_out_in_full() -> None:
    values = istiod_values(
        config_from(
            "mesh: {outboundTrafficPolicy: REGISTRY_ONLY, holdApplicationUntilProxyStarts: true,"
            " dnsCapture: true, accessLog: {file: /dev/stdout, encoding: JSON, format: '%START_TIME%'},"
            " tracing: {enabled: true, sampling: 10, zipkinAddress: 'zipkin.obs:9411'}}"
        )
    )
    assert values["meshConfig"] == {
        "rootNamespace": "istio-system",
        "accessLogFile": "/dev/stdout",
        "accessLogEncoding": "JSON",
        "accessLogFormat": "%START_TIME%",
        "enableTracing": True,
        "outboundTrafficPolicy": {"mode": "REGISTRY_ONLY"},
        "defaultConfig": {
            "holdApplicationUntilProxyStarts": True,
            "proxyMetadata": {"ISTIO_META_DNS_CAPTURE": "true"},
            "tracing": {"sampling": 10.0, "zipkin": {"address": "zipkin.obs:9411"}},
        },
    }


def test_mesh_defaults_are_explicit() -> None:
    mesh = istiod_values(config_from("{}"))["meshConfig"]
    assert mesh["outboundTrafficPolicy"] == {"mode": "ALLOW_ANY"}
    assert mesh["accessLogFile"] == ""
    assert mesh["defaultConfig"] == {"holdApplicationUntilProxyStarts": False}


def test_injector_knows_about_cni() -> None:
    assert istiod_values(config_from("cni: {enabled: true}"))["cni"] == {"enabled": True}
    assert istiod_values(config_from("{}"))["cni"] == {"enabled": False}


def test_images_and_pull_secrets() -> None:
    values = istiod_values(
        config_from("istio: {hub: reg.example/istio, tag: 1.30.3-distroless, imagePullSecrets: [pull]}")
    )
    assert values["global"]["hub"] == "reg.example/istio"
    assert values["global"]["tag"] == "1.30.3-distroless"
    assert values["global"]["imagePullSecrets"] == ["pull"]
    # Unset, the registry is still named: Istio's own, whatever the chart's packaged default.
    assert istiod_values(config_from("{}"))["global"]["hub"] == "docker.io/istio"


def test_proxy_resources_go_to_global_proxy() -> None:
    values = istiod_values(config_from("mesh: {proxy: {resources: {requests: {cpu: 50m}}}}"))
    assert values["global"]["proxy"] == {"resources": {"requests": {"cpu": "50m"}}}


def test_spread_keeps_replicas_apart() -> None:
    values = istiod_values(
        config_from("istiod: {spread: {antiAffinity: required, topologyKey: topology.kubernetes.io/zone}}")
    )
    term = values["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term == [{"labelSelector": {"matchLabels": {"app": "istiod", "istio.io/rev": "default"}},
                     "topologyKey": "kubernetes.io/hostname"}]
    assert values["topologySpreadConstraints"] == [{
        "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": {"app": "istiod", "istio.io/rev": "default"}}}]
    assert "affinity" not in istiod_values(config_from("{}"))


def test_extra_values_are_merged_last() -> None:
    values = istiod_values(
        config_from("istiod: {replicas: 2, extraValues: {replicaCount: 9, global: {logAsJson: true}}}")
    )
    assert values["replicaCount"] == 9
    assert values["global"]["logAsJson"] is True
    assert values["global"]["istioNamespace"] == "istio-system"

"""gateway chart values, built without jsii."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.values import gateway_values


def gateway(text: str) -> tuple[MeshConfig, dict]:
    config = config_from(f"gateways: [{text}]")
    return config, gateway_values(config, config.gateways[0])


def test_autoscaled_gateway_floor_is_the_replica_count() -> None:
    _, values = gateway("{name: gw, kind: ingress, replicas: 2, autoscaling: {maxReplicas: 8}}")
    assert values["autoscaling"] == {"enabled": True, "minReplicas": 2, "maxReplicas": 8}
    assert values["podDisruptionBudget"] == {"maxUnavailable": 1}


def test_fixed_gateway_has_its_count_and_no_autoscaler() -> None:
    _, values = gateway("{name: gw, kind: egress, replicas: 3, autoscaling: {enabled: false}}")
    assert values["autoscaling"] == {"enabled": False}
    assert values["replicaCount"] == 3


def test_single_replica_gets_no_disruption_budget() -> None:
    _, values = gateway("{name: gw, kind: ingress}")
    # An empty podDisruptionBudget is the chart's "none"; a budget on one pod
    # would block node drains.
    assert values["podDisruptionBudget"] == {}


def test_service_type_and_ports() -> None:
    _, ingress = gateway("{name: gw, kind: ingress}")
    assert ingress["service"]["type"] == "LoadBalancer"
    assert [p["port"] for p in ingress["service"]["ports"]] == [15021, 80, 443]
    _, dev = gateway(
        "{name: gw, kind: ingress, service: {type: ClusterIP, ports: [{name: http, port: 8080, targetPort: 80}]}}"
    )
    assert dev["service"]["type"] == "ClusterIP"
    assert dev["service"]["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP", "targetPort": 80}]
    _, egress = gateway("{name: gw, kind: egress}")
    assert egress["service"]["type"] == "ClusterIP"


def test_pull_secrets_are_objects_for_the_gateway_chart() -> None:
    config = config_from("istio: {imagePullSecrets: [pull]}\ngateways: [{name: gw, kind: ingress}]")
    assert gateway_values(config, config.gateways[0])["imagePullSecrets"] == [{"name": "pull"}]


def test_spread_selects_the_gateways_own_pods() -> None:
    _, values = gateway("{name: edge, kind: ingress, spread: {antiAffinity: preferred}}")
    term = values["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["podAffinityTerm"]["labelSelector"] == {"matchLabels": {"app": "edge"}}


def test_annotations_with_quotes_survive_as_strings() -> None:
    _, values = gateway(
        "{name: gw, kind: ingress, service: {annotations: {a: 'say \"hi\"', b: 'true'}}}"
    )
    assert values["service"]["annotations"] == {"a": 'say "hi"', "b": "true"}

"""Gateway settings (config/gateways.py): the gateway chart's ingress, egress
and east-west gateways, and the labels, service account and namespace each
gets. This file checks the defaults per kind, every refusal of the module's
validators with its exact text, and the helpers policies select gateways by."""

from __future__ import annotations

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.errors import ConfigError, RuleViolation
from istio_mesh.config.gateways import (
    GatewayService,
    GatewaySettings,
    ServicePort,
    chart_gateways,
    check_gateway_namespaces,
    gateway_pod_labels,
    gateway_selector,
    gateway_service_account,
)


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


def gateway(**fields: object) -> GatewaySettings:
    return GatewaySettings.model_validate({"name": "istio-ingressgateway", "kind": "ingress", **fields})


WEB = "{name: web, kind: ingress, api: gateway-api, listeners: [{name: http, port: 80, protocol: HTTP}]}"


# ServicePort and GatewayService


def test_a_service_port_targets_its_own_port_over_tcp_by_default() -> None:
    port = ServicePort(name="http2", port=80)
    assert (port.target_port, port.protocol) == (None, "TCP")


def test_a_service_port_outside_the_tcp_range_is_refused() -> None:
    assert error_for("gateways: [{name: gw, kind: ingress, service: {ports: [{name: a, port: 65536}]}}]") == (
        "test.yaml: gateways[0].service.ports[0].port: got 65536; allowed: 1 to 65535"
    )


def test_a_service_defaults_to_status_http2_and_https_ports_and_waits_for_its_address() -> None:
    service = GatewayService()
    assert [(p.name, p.port) for p in service.ports] == [("status-port", 15021), ("http2", 80), ("https", 443)]
    assert (service.type, service.annotations, service.wait_for_address) == (None, {}, True)


def test_two_service_ports_with_one_name_are_refused() -> None:
    assert error_for(
        "gateways: [{name: gw, kind: ingress, service: {ports: [{name: web, port: 80}, {name: web, port: 8080}]}}]"
    ) == (
        "test.yaml: gateways[0].service.ports: got [{'name': 'web', 'port': 80}, {'name': 'web', 'port': 8080}]; "
        "duplicate port name: web"
    )


def test_one_port_number_twice_over_one_protocol_is_refused() -> None:
    assert error_for(
        "gateways: [{name: gw, kind: ingress, service: {ports: [{name: dns, port: 53}, {name: dns2, port: 53}]}}]"
    ).endswith("duplicate port: 53/TCP; each port number once per protocol")


def test_one_port_number_over_tcp_and_udp_is_allowed() -> None:
    config = config_from(
        "gateways: [{name: gw, kind: ingress, service: {ports: "
        "[{name: dns, port: 53}, {name: dns-udp, port: 53, protocol: UDP}]}}]"
    )
    assert [(p.port, p.protocol) for p in config.gateways[0].service.ports] == [(53, "TCP"), (53, "UDP")]


# GatewaySettings


def test_each_kind_gets_its_own_namespace_and_service_type_by_default() -> None:
    found = {kind: (gateway(kind=kind).resolved_namespace, gateway(kind=kind).service_type)
             for kind in ("ingress", "egress", "eastwest")}
    assert found == {
        "ingress": ("istio-ingress", "LoadBalancer"),
        "egress": ("istio-egress", "ClusterIP"),
        "eastwest": ("istio-eastwest", "LoadBalancer"),
    }


def test_a_named_namespace_and_service_type_win_over_the_kind_defaults() -> None:
    egress = gateway(kind="egress", namespace="edge", service={"type": "NodePort"})
    assert (egress.resolved_namespace, egress.service_type) == ("edge", "NodePort")


def test_an_unknown_kind_is_refused_with_the_allowed_ones() -> None:
    assert error_for("gateways: [{name: gw, kind: sideways}]") == (
        "test.yaml: gateways[0].kind: got 'sideways' (string); must be 'ingress', 'egress' or 'eastwest'"
    )


def test_more_than_fifty_replicas_are_refused() -> None:
    assert error_for("gateways: [{name: gw, kind: ingress, replicas: 51}]") == (
        "test.yaml: gateways[0].replicas: got 51; allowed: 1 to 50"
    )


def test_replicas_above_the_autoscaler_ceiling_are_refused() -> None:
    assert error_for("gateways: [{name: gw, kind: ingress, replicas: 6}]") == (
        "test.yaml: gateways[0].autoscaling.maxReplicas: 5 is below replicas (6); "
        "the autoscaler ceiling must be at least the floor"
    )


def test_replicas_above_the_ceiling_are_allowed_when_autoscaling_is_off() -> None:
    assert gateway(replicas=6, autoscaling={"enabled": False}).replicas == 6


def test_a_request_above_the_charts_default_limit_is_refused_when_no_limit_is_set() -> None:
    assert error_for("gateways: [{name: gw, kind: ingress, resources: {requests: {memory: 2Gi}}}]") == (
        "test.yaml: gateways[0].resources.requests.memory: '2Gi' is above the chart's default limit "
        "'1024Mi'; lower the request or set limits.memory"
    )


def test_a_request_above_the_charts_default_limit_is_allowed_with_its_own_limit() -> None:
    raised = gateway(resources={"requests": {"cpu": "3"}, "limits": {"cpu": "4"}})
    assert raised.resources is not None and raised.resources.requests.cpu == "3"


def test_listeners_on_a_chart_gateway_are_refused() -> None:
    assert error_for(
        "gateways: [{name: gw, kind: ingress, listeners: [{name: http, port: 80, protocol: HTTP}]}]"
    ) == (
        "test.yaml: gateways[0].listeners: belongs to api: gateway-api; "
        "a chart gateway's ports are service.ports"
    )


def test_a_chart_setting_on_a_gateway_api_gateway_is_refused_by_its_yaml_name() -> None:
    assert error_for(
        "gateways: [{name: web, kind: ingress, api: gateway-api, extraValues: {a: 1}, "
        "listeners: [{name: http, port: 80, protocol: HTTP}]}]"
    ) == (
        "test.yaml: gateways[0].extraValues: is a setting of the gateway chart; a gateway-api gateway "
        "is deployed by Istio from its Gateway, so remove it or use api: chart"
    )


def test_a_gateway_api_gateway_with_a_listener_is_accepted() -> None:
    web = config_from(f"gateways: [{WEB}]").gateways[0]
    assert (web.api, [listener.port for listener in web.listeners]) == ("gateway-api", [80])


# Helpers: pod labels, service account, selector, chart gateways


def test_chart_gateway_pods_are_labelled_with_the_release_name() -> None:
    assert gateway_pod_labels(gateway()) == {"app": "istio-ingressgateway"}


def test_gateway_api_gateway_pods_are_labelled_with_the_gateways_name() -> None:
    web = config_from(f"gateways: [{WEB}]").gateways[0]
    assert gateway_pod_labels(web) == {"gateway.networking.k8s.io/gateway-name": "web"}


def test_a_chart_gateway_runs_as_a_service_account_named_after_the_release() -> None:
    assert gateway_service_account(gateway()) == "istio-ingressgateway"


def test_a_service_account_named_in_extra_values_wins() -> None:
    assert gateway_service_account(gateway(extra_values={"serviceAccount": {"name": "edge-sa"}})) == "edge-sa"


@pytest.mark.parametrize("account", [{"name": ""}, {"create": False}, "edge-sa", {"name": 3}])
def test_a_service_account_block_without_a_usable_name_falls_back_to_the_release(account: object) -> None:
    assert gateway_service_account(gateway(extra_values={"serviceAccount": account})) == "istio-ingressgateway"


def test_a_gateway_api_gateway_runs_as_its_name_with_the_istio_suffix() -> None:
    web = config_from(f"gateways: [{WEB}]").gateways[0]
    assert gateway_service_account(web) == "web-istio"


def test_the_selector_drops_the_istio_prefix_of_the_name() -> None:
    assert gateway_selector(gateway()) == {"istio": "ingressgateway"}


def test_the_selector_keeps_a_name_without_the_istio_prefix_whole() -> None:
    assert gateway_selector(gateway(name="edge-istio-gw")) == {"istio": "edge-istio-gw"}


def test_chart_gateways_keep_their_index_and_leave_gateway_api_ones_out() -> None:
    config = config_from(f"gateways: [{WEB}, {{name: out, kind: egress}}]")
    assert [(i, g.name) for i, g in chart_gateways(config)] == [(1, "out")]


def test_a_config_without_gateways_has_no_chart_gateways() -> None:
    assert chart_gateways(config_from("istiod: {replicas: 1}")) == []


# check_gateway_namespaces


def test_gateways_in_their_own_namespaces_pass_the_namespace_check() -> None:
    config = config_from("gateways: [{name: in, kind: ingress}, {name: out, kind: egress, namespace: edge}]")
    assert check_gateway_namespaces(config) is None


def test_a_gateway_defaulting_into_a_renamed_istiod_namespace_is_refused() -> None:
    # istiod moved into istio-ingress: the ingress gateway's default namespace.
    with pytest.raises(ConfigError) as caught:
        config_from("istioNamespace: istio-ingress\ngateways: [{name: gw, kind: egress}, {name: in, kind: ingress}]")
    assert str(caught.value) == (
        "test.yaml: gateways[1].namespace: 'istio-ingress' is istiod's namespace; "
        "Istio recommends a separate namespace per gateway"
    )


def test_the_namespace_check_points_at_the_gateway_that_shares_istiods_namespace() -> None:
    config = config_from("gateways: [{name: in, kind: ingress}]")
    shared = config.model_copy(update={"istio_namespace": "istio-ingress"})
    with pytest.raises(RuleViolation) as caught:
        check_gateway_namespaces(shared)
    assert caught.value.path == ("gateways", 0, "namespace")

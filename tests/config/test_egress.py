"""Egress control (istio_mesh.config.egress): the external services
workloads may call, their hosts, ports, resolution and endpoints, routing
through an egress gateway with TLS origination there, and the checks that
need the whole config (gateway exists and has the port, names and hosts once).
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.egress import (
    TLS_ORIGINATION_PORT,
    EgressSettings,
    ExternalPort,
    ExternalService,
    check_egress,
    gateway_port,
    routed_gateways,
)
from istio_mesh.config.errors import ConfigError, RuleViolation

HTTP = {"number": 80, "name": "http", "protocol": "HTTP"}
TLS = {"number": 443, "name": "tls", "protocol": "TLS"}
HTTPS = {"number": 443, "name": "https", "protocol": "HTTPS"}
TCP = {"number": 5432, "name": "pg", "protocol": "TCP"}


def _service(**fields: Any) -> ExternalService:
    return ExternalService.model_validate(
        {"name": "api", "hosts": ["api.example.com"], "ports": [TLS], **fields}
    )


def _violation(error: ValidationError) -> RuleViolation:
    [detail] = error.errors()
    cause = detail["ctx"]["error"]
    assert isinstance(cause, RuleViolation)
    return cause


def _refused(**fields: Any) -> RuleViolation:
    with pytest.raises(ValidationError) as caught:
        _service(**fields)
    return _violation(caught.value)


def _refusal(text: str) -> str:
    return shared_error_for(text, "test.yaml").removeprefix("test.yaml: ")


# -- hosts ------------------------------------------------------------------------------------


def test_a_service_defaults_to_dns_resolution_outside_the_mesh_called_directly() -> None:
    service = _service()
    assert (service.resolution, service.location, service.endpoints) == ("DNS", "MESH_EXTERNAL", ())
    assert (service.egress_gateway, service.tls_origination) == (None, False)


def test_a_wildcard_host_is_accepted_with_resolution_none() -> None:
    assert _service(hosts=["*.example.com"], resolution="NONE").hosts == ("*.example.com",)


@pytest.mark.parametrize("host", ["*", "https://api.example.com", "api.example.com/v1", "api_x.com"])
def test_a_bare_wildcard_url_path_or_underscore_host_is_refused(host: str) -> None:
    with pytest.raises(ValidationError, match="must be a lower-case DNS name such as 'api.example.com'"):
        _service(hosts=[host])


def test_a_host_over_253_characters_is_refused() -> None:
    host = ".".join(["a" * 63] * 4)  # 255 characters of valid labels
    with pytest.raises(ValidationError, match="must be a lower-case DNS name"):
        _service(hosts=[host])


def test_a_service_needs_a_host() -> None:
    with pytest.raises(ValidationError, match="must list at least one host"):
        _service(hosts=[])


def test_a_host_listed_twice_in_one_service_is_refused() -> None:
    with pytest.raises(ValidationError, match="host listed more than once: b.com"):
        _service(hosts=["b.com", "a.com", "b.com"])


# -- ports --------------------------------------------------------------------------------------


def test_an_external_port_takes_number_name_and_protocol() -> None:
    port = ExternalPort.model_validate(HTTP)
    assert (port.number, port.name, port.protocol) == (80, "http", "HTTP")


@pytest.mark.parametrize("number", [0, 65536])
def test_a_port_number_outside_1_to_65535_is_refused(number: int) -> None:
    with pytest.raises(ValidationError):
        ExternalPort.model_validate({**HTTP, "number": number})


def test_two_ports_with_one_number_are_refused() -> None:
    with pytest.raises(ValidationError, match="duplicate port number: 443"):
        _service(ports=[TLS, {**HTTPS, "name": "web"}])


def test_two_ports_with_one_name_are_refused() -> None:
    with pytest.raises(ValidationError, match="duplicate port name: http"):
        _service(ports=[HTTP, {**HTTP, "number": 8080}])


def test_the_http_and_tls_ports_are_the_first_of_their_protocols() -> None:
    service = _service(ports=[TCP, HTTPS, HTTP])
    assert service.http_port is not None and service.http_port.number == 80
    assert service.tls_port is not None and service.tls_port.name == "https"


def test_a_tcp_only_service_has_neither_an_http_nor_a_tls_port() -> None:
    service = _service(ports=[TCP])
    assert (service.http_port, service.tls_port) == (None, None)


# -- resolution and endpoints ---------------------------------------------------------------------


def test_static_resolution_takes_ipv4_and_ipv6_endpoints() -> None:
    service = _service(resolution="STATIC", endpoints=["10.0.0.1", "fd00::1"])
    assert service.endpoints == ("10.0.0.1", "fd00::1")


def test_a_host_name_among_static_endpoints_is_refused_at_its_index() -> None:
    violation = _refused(resolution="STATIC", endpoints=["10.0.0.1", "db.internal"])
    assert violation.path == ("endpoints", 1)
    assert violation.message == "got 'db.internal'; STATIC endpoints must be IP addresses"


def test_endpoints_with_resolution_none_are_refused() -> None:
    violation = _refused(resolution="NONE", endpoints=["10.0.0.1"])
    assert violation.path == ("endpoints",)
    assert violation.message == "NONE resolution uses the original destination; remove endpoints"


def test_dns_round_robin_takes_one_endpoint_but_not_two() -> None:
    assert _service(resolution="DNS_ROUND_ROBIN", endpoints=["a.example.com"]).endpoints == (
        "a.example.com",
    )
    violation = _refused(resolution="DNS_ROUND_ROBIN", endpoints=["a.example.com", "b.example.com"])
    assert (violation.path, violation.message) == (
        ("endpoints",), "DNS_ROUND_ROBIN takes at most one endpoint",
    )


def test_a_wildcard_host_with_static_resolution_is_refused_at_resolution() -> None:
    violation = _refused(hosts=["*.example.com"], resolution="STATIC", endpoints=["10.0.0.1"])
    assert violation.path == ("resolution",)
    assert violation.message == "STATIC cannot resolve the wildcard host '*.example.com'; use NONE"


# -- routing through an egress gateway -------------------------------------------------------------


def test_one_host_with_one_http_and_one_tls_port_can_be_routed() -> None:
    service = _service(ports=[HTTP, TLS], egressGateway="out")
    assert service.egress_gateway == "out"


def test_two_tls_ports_through_a_gateway_are_refused_at_the_second() -> None:
    violation = _refused(ports=[TLS, {**HTTPS, "number": 8443}], egressGateway="out")
    assert violation.path == ("ports", 1)
    assert violation.message == (
        "routing through an egress gateway takes one HTTP port and one HTTPS/TLS port at most"
    )


def test_a_wildcard_host_through_a_gateway_is_refused() -> None:
    violation = _refused(hosts=["*.example.com"], resolution="NONE", egressGateway="out")
    assert violation.path == ("hosts",)


def test_a_service_called_directly_may_have_any_number_of_hosts_and_tcp_ports() -> None:
    service = _service(hosts=["a.com", "b.com"], ports=[TCP, TLS])
    assert len(service.hosts) == 2


# -- TLS origination ----------------------------------------------------------------------------------


def test_tls_origination_through_a_gateway_with_an_http_port_is_accepted() -> None:
    assert TLS_ORIGINATION_PORT == 443
    service = _service(ports=[HTTP], egressGateway="out", tlsOrigination=True)
    assert service.tls_origination is True


def test_tls_origination_on_http_port_443_is_refused() -> None:
    violation = _refused(
        ports=[{**HTTP, "number": 443}], egressGateway="out", tlsOrigination=True
    )
    assert violation.path == ("tlsOrigination",)
    assert violation.message == (
        "the HTTP port cannot be 443, where TLS is originated; use 80"
    )


# -- EgressSettings ---------------------------------------------------------------------------------------


def test_egress_lists_no_services_by_default() -> None:
    assert EgressSettings().services == ()
    assert config_from("{}").egress.services == ()


# -- gateway_port ---------------------------------------------------------------------------------------


def test_the_default_egress_gateway_ports_carry_http_on_http2_and_tls_on_https() -> None:
    [gateway] = config_from("gateways: [{name: out, kind: egress}]").gateways
    http = gateway_port(gateway, frozenset({"HTTP"}))
    tls = gateway_port(gateway, frozenset({"TLS", "HTTPS"}))
    assert (http and (http.name, http.port)) == ("http2", 80)
    assert (tls and (tls.name, tls.port)) == ("https", 443)


def test_a_port_name_with_a_suffix_is_matched_by_its_prefix() -> None:
    [gateway] = config_from(
        "gateways: [{name: out, kind: egress, service: {ports: [{name: tls-passthrough, port: 8443}]}}]"
    ).gateways
    port = gateway_port(gateway, frozenset({"TLS"}))
    assert port is not None and port.port == 8443


def test_a_gateway_with_only_a_status_port_has_no_http_port() -> None:
    [gateway] = config_from(
        "gateways: [{name: out, kind: egress, service: {ports: [{name: status-port, port: 15021}]}}]"
    ).gateways
    assert gateway_port(gateway, frozenset({"HTTP"})) is None


def test_a_port_named_httpx_is_not_an_http_port() -> None:
    # Istio reads the prefix before '-': 'httpx' is not 'http'.
    [gateway] = config_from(
        "gateways: [{name: out, kind: egress, service: {ports: [{name: httpx, port: 80}]}}]"
    ).gateways
    assert gateway_port(gateway, frozenset({"HTTP"})) is None


# -- check_egress / routed_gateways ---------------------------------------------------------------------

GATEWAYS = (
    "gateways:\n"
    "  - {name: in, kind: ingress}\n"
    "  - {name: out-b, kind: egress}\n"
    "  - {name: out-a, kind: egress}\n"
)


def test_services_routed_through_defined_egress_gateways_load() -> None:
    config = config_from(
        GATEWAYS + "egress: {services: [\n"
        "  {name: a, hosts: [a.com], ports: [{number: 443, name: tls, protocol: TLS}], egressGateway: out-a},\n"
        "  {name: b, hosts: [b.com], ports: [{number: 80, name: http, protocol: HTTP}], egressGateway: out-b}]}"
    )
    assert check_egress(config) is None
    assert [g.name for g in routed_gateways(config)] == ["out-b", "out-a"]


def test_no_gateway_is_routed_when_services_are_called_directly() -> None:
    config = config_from(GATEWAYS + "egress: {services: [{name: a, hosts: [a.com], ports: [{number: 443, name: tls, protocol: TLS}]}]}")
    assert routed_gateways(config) == []


def test_an_unknown_egress_gateway_lists_the_egress_gateways_in_name_order() -> None:
    assert _refusal(
        GATEWAYS + "egress: {services: [{name: a, hosts: [a.com], ports: [{number: 443, name: tls, "
        "protocol: TLS}], egressGateway: out-c}]}"
    ) == (
        "egress.services[0].egressGateway: 'out-c' is not an egress gateway of this config; "
        "allowed: out-a, out-b"
    )


def test_a_gateway_without_a_tls_port_is_refused_for_tls_traffic() -> None:
    assert _refusal(
        "gateways: [{name: out, kind: egress, service: {ports: [{name: http2, port: 80}]}}]\n"
        "egress: {services: [{name: a, hosts: [a.com], ports: [{number: 443, name: tls, "
        "protocol: TLS}], egressGateway: out}]}"
    ) == (
        "egress.services[0].egressGateway: gateway 'out' has no Service port named 'https' or "
        "'tls' for TLS traffic; add one to its service.ports"
    )


def test_two_services_with_one_name_are_refused_at_the_second() -> None:
    assert _refusal(
        "egress: {services: [{name: a, hosts: [a.com], ports: [{number: 443, name: tls, protocol: TLS}]},"
        " {name: a, hosts: [b.com], ports: [{number: 443, name: tls, protocol: TLS}]}]}"
    ) == "egress.services[1].name: 'a' is used more than once; names must be unique"


def test_a_host_in_two_services_is_refused_at_its_place_in_the_second() -> None:
    assert _refusal(
        "egress: {services: [{name: a, hosts: [a.com], ports: [{number: 443, name: tls, protocol: TLS}]},"
        " {name: b, hosts: [b.com, a.com], ports: [{number: 443, name: tls, protocol: TLS}]}]}"
    ) == (
        "egress.services[1].hosts[1]: 'a.com' is already a host of egress.services[0]; "
        "list each host once"
    )

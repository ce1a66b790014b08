"""Mesh-wide settings (config/mesh_settings.py): the istiod chart's
meshConfig and sidecar defaults. This file checks the defaults, the trust
domain rule and its aliases, legacy tracing's bounds, the sidecar request
check against the chart's limits, and the enum spellings."""

from __future__ import annotations

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.mesh_settings import (
    AccessLog,
    MeshSettings,
    OutboundTrafficPolicy,
    ProxySettings,
    Tracing,
    trust_domain,
)

TRUST_DOMAIN_RULE = (
    "must be a trust domain: DNS-1123 labels (lowercase letters, digits and '-') joined by '.', "
    "at most 253 characters, e.g. 'prod.example.com'"
)


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


# trust_domain


@pytest.mark.parametrize("value", ["cluster.local", "prod.example.com", "local", "a-1.b-2"])
def test_dns_names_are_trust_domains(value: str) -> None:
    assert trust_domain(value) == value


def test_a_trust_domain_of_exactly_253_characters_is_accepted() -> None:
    longest = "a." * 126 + "a"
    assert trust_domain(longest) == longest


@pytest.mark.parametrize("value", ["Prod.example", "x..y", "-a.b", "a_b.c", "a." * 126 + "ab", "a" * 64 + ".com", ""])
def test_names_istio_would_refuse_are_not_trust_domains(value: str) -> None:
    with pytest.raises(ValueError) as caught:
        trust_domain(value)
    assert str(caught.value) == TRUST_DOMAIN_RULE


# AccessLog, Tracing, OutboundTrafficPolicy


def test_access_logs_are_off_in_text_with_istios_format_by_default() -> None:
    assert AccessLog().model_dump() == {"file": "", "encoding": "TEXT", "format": ""}


def test_an_access_log_encoding_other_than_text_or_json_is_refused() -> None:
    assert error_for("mesh: {accessLog: {encoding: XML}}") == (
        "test.yaml: mesh.accessLog.encoding: got 'XML' (string); must be 'TEXT' or 'JSON'"
    )


def test_legacy_tracing_is_off_at_one_percent_by_default() -> None:
    assert Tracing().model_dump() == {"enabled": False, "sampling": 1.0, "zipkinAddress": None}


@pytest.mark.parametrize("sampling", [0.0, 100.0])
def test_tracing_sampling_at_its_bounds_is_accepted(sampling: float) -> None:
    assert Tracing(sampling=sampling).sampling == sampling


def test_tracing_sampling_above_a_hundred_percent_is_refused() -> None:
    assert error_for("mesh: {tracing: {sampling: 100.5}}") == (
        "test.yaml: mesh.tracing.sampling: got 100.5; allowed: 0.0 to 100.0"
    )


def test_a_zipkin_address_is_kept_as_given() -> None:
    assert Tracing(zipkin_address="zipkin.tracing:9411").zipkin_address == "zipkin.tracing:9411"


def test_a_zipkin_address_carrying_a_password_is_refused_without_echoing_it() -> None:
    message = error_for("mesh: {tracing: {zipkinAddress: 'ops:hunter2@zipkin:9411'}}")
    assert message.startswith(
        "test.yaml: mesh.tracing.zipkinAddress: got '***@zipkin:9411' (redacted), which carries a user and password"
    )
    assert "hunter2" not in message


def test_an_outbound_policy_istio_does_not_have_is_refused() -> None:
    assert error_for("mesh: {outboundTrafficPolicy: DENY}") == (
        "test.yaml: mesh.outboundTrafficPolicy: got 'DENY' (string); must be 'ALLOW_ANY' or 'REGISTRY_ONLY'"
    )


def test_registry_only_is_read_from_its_istio_spelling() -> None:
    policy = config_from("mesh: {outboundTrafficPolicy: REGISTRY_ONLY}").mesh.outbound_traffic_policy
    assert policy is OutboundTrafficPolicy.REGISTRY_ONLY


# ProxySettings


def test_sidecars_keep_the_charts_resources_by_default() -> None:
    assert ProxySettings().resources is None


def test_a_sidecar_request_within_the_charts_limits_is_accepted() -> None:
    proxy = ProxySettings.model_validate({"resources": {"requests": {"cpu": "2000m", "memory": "1024Mi"}}})
    assert proxy.resources is not None and proxy.resources.requests.memory == "1024Mi"


def test_a_sidecar_request_above_the_charts_cpu_limit_is_refused() -> None:
    assert error_for("mesh: {proxy: {resources: {requests: {cpu: 2500m}}}}") == (
        "test.yaml: mesh.proxy.resources.requests.cpu: '2500m' is above the chart's default limit '2000m'; "
        "lower the request or set limits.cpu"
    )


def test_a_sidecar_request_above_the_chart_limit_is_accepted_with_limits_of_its_own() -> None:
    proxy = ProxySettings.model_validate(
        {"resources": {"requests": {"memory": "2Gi"}, "limits": {"memory": "3Gi"}}}
    )
    assert proxy.resources is not None and proxy.resources.limits is not None
    assert proxy.resources.limits.memory == "3Gi"


# MeshSettings


def test_the_mesh_defaults_to_istios_trust_domain_and_allow_any() -> None:
    mesh = MeshSettings()
    assert (mesh.mesh_id, mesh.trust_domain, mesh.effective_trust_domain) == (None, None, "cluster.local")
    assert (mesh.trust_domains, mesh.outbound_traffic_policy) == (("cluster.local",), OutboundTrafficPolicy.ALLOW_ANY)
    assert (mesh.hold_application_until_proxy_starts, mesh.dns_capture, mesh.extension_providers) == (False, False, ())


def test_the_trust_domain_and_its_aliases_are_the_domains_the_mesh_accepts() -> None:
    mesh = config_from(
        "mesh: {trustDomain: prod.example.com, trustDomainAliases: [old.example.com, cluster.local]}"
    ).mesh
    assert mesh.effective_trust_domain == "prod.example.com"
    assert mesh.trust_domains == ("prod.example.com", "old.example.com", "cluster.local")


def test_an_alias_listed_twice_is_refused_at_its_second_place() -> None:
    assert error_for(
        "mesh: {trustDomain: prod.example.com, trustDomainAliases: [old.example.com, new.example.com, old.example.com]}"
    ) == "test.yaml: mesh.trustDomainAliases[2]: 'old.example.com' is listed twice"


def test_an_alias_that_is_not_a_trust_domain_is_refused_at_its_place() -> None:
    assert error_for("mesh: {trustDomainAliases: [ok.example, Bad.Example]}") == (
        f"test.yaml: mesh.trustDomainAliases[1]: got 'Bad.Example'; {TRUST_DOMAIN_RULE}"
    )


def test_a_mesh_id_with_a_blank_is_refused() -> None:
    assert error_for("mesh: {meshId: 'mesh 1'}") == (
        "test.yaml: mesh.meshId: got 'mesh 1'; must be lowercase letters, digits, '-' and '.', starting and "
        "ending with a letter or digit (at most 63), e.g. 'mesh1'"
    )


def test_a_mesh_id_is_kept_as_given() -> None:
    assert config_from("mesh: {meshId: mesh1}").mesh.mesh_id == "mesh1"

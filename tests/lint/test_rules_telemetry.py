"""Telemetry rules (scrape intervals that overload or outlast Prometheus,
unlabelled monitors, OTLP to the wrong port, access logs kept in containers,
overrides for unknown namespaces) and the duration parser they use: each
check is called on its own, on a config built from YAML, and must report the
exact finding for a dangerous config and none for the nearest safe one."""

from __future__ import annotations

import pytest

from conftest import config_from
from istio_mesh.lint.rules import Check
from istio_mesh.lint.rules_telemetry import (
    TELEMETRY_CHECKS, access_log_in_container, monitors_unlabelled, otlp_port_mismatch, scrape_interval,
    seconds, telemetry_namespace_unknown,
)


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes for the YAML."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


def monitors(settings: str, environment: str = "production") -> str:
    return (f"environment: {environment}\nmesh:\n  telemetry:\n"
            f"    prometheusOperator: {{enabled: true, {settings}}}\n")


def test_every_telemetry_rule_is_registered() -> None:
    assert TELEMETRY_CHECKS == (scrape_interval, monitors_unlabelled, otlp_port_mismatch,
                                access_log_in_container, telemetry_namespace_unknown)


# --- seconds ------------------------------------------------------------------------------

@pytest.mark.parametrize(("duration", "expected"), [
    ("15s", 15), ("1m", 60), ("1m30s", 90), ("500ms", 0.5), ("1h", 3600), ("2d", 172800), ("1w", 604800),
    ("1y", 31536000),
])
def test_a_prometheus_duration_is_read_in_seconds(duration: str, expected: float) -> None:
    assert seconds(duration) == expected


# --- prod-scrape-interval -----------------------------------------------------------------

def test_a_one_second_scrape_interval_in_production_is_a_warning_with_the_scrape_rate() -> None:
    [f] = scrape_interval(config_from(monitors("labels: {release: prometheus}, interval: 1s")))
    assert (f.rule, f.path, f.severity) == (
        "prod-scrape-interval", "mesh.telemetry.prometheusOperator.interval", "warning")
    assert f.message.startswith("is '1s': Prometheus scrapes every proxy 60 times a minute")


def test_a_ten_second_scrape_interval_is_the_shortest_accepted() -> None:
    assert found(scrape_interval, monitors("labels: {release: prometheus}, interval: 10s")) == []


def test_a_nine_second_scrape_interval_is_too_short() -> None:
    assert found(scrape_interval, monitors("labels: {release: prometheus}, interval: 9s")) == [
        ("prod-scrape-interval", "mesh.telemetry.prometheusOperator.interval", "warning")]


def test_a_five_minute_scrape_interval_is_the_longest_accepted() -> None:
    assert found(scrape_interval, monitors("labels: {release: prometheus}, interval: 5m")) == []


def test_a_scrape_interval_past_prometheus_staleness_is_a_warning() -> None:
    [f] = scrape_interval(config_from(monitors("labels: {release: prometheus}, interval: 5m1s")))
    assert (f.rule, f.path, f.severity) == (
        "prod-scrape-interval", "mesh.telemetry.prometheusOperator.interval", "warning")
    assert f.message.startswith("is '5m1s', longer than Prometheus' 5-minute staleness")


def test_a_one_second_scrape_interval_outside_production_is_not_judged() -> None:
    text = monitors("labels: {release: prometheus}, interval: 1s", environment="staging")
    assert found(scrape_interval, text) == []


# --- prod-monitors-unlabelled -------------------------------------------------------------

def test_unlabelled_monitors_in_production_are_a_warning() -> None:
    assert found(monitors_unlabelled, monitors("interval: 15s")) == [
        ("prod-monitors-unlabelled", "mesh.telemetry.prometheusOperator.labels", "warning")]


def test_labelled_monitors_in_production_are_accepted() -> None:
    assert found(monitors_unlabelled, monitors("labels: {release: prometheus}")) == []


def test_unlabelled_monitors_outside_production_are_not_judged() -> None:
    assert found(monitors_unlabelled, monitors("interval: 15s", environment="staging")) == []


def test_no_monitors_need_no_labels() -> None:
    text = "environment: production\nmesh: {telemetry: {prometheusOperator: {enabled: false}}}\n"
    assert found(monitors_unlabelled, text) == []


# --- otlp-port-mismatch -------------------------------------------------------------------

def provider(body: str) -> str:
    return (f"mesh:\n  extensionProviders:\n  - name: otel\n    {body}\n")


SERVICE = "service: otel.observability.svc.cluster.local"


def test_otlp_grpc_to_the_http_port_is_a_warning_on_the_port() -> None:
    [f] = otlp_port_mismatch(config_from(provider(f"opentelemetry: {{{SERVICE}, port: 4318}}")))
    assert (f.rule, f.path, f.severity) == (
        "otlp-port-mismatch", "mesh.extensionProviders[0].opentelemetry.port", "warning")
    assert f.fix == "use port 4317, or set httpPath: /v1/traces"


def test_otlp_grpc_to_the_grpc_port_is_accepted() -> None:
    assert found(otlp_port_mismatch, provider(f"opentelemetry: {{{SERVICE}, port: 4317}}")) == []


def test_otlp_http_to_the_grpc_port_is_a_warning_on_the_port() -> None:
    [f] = otlp_port_mismatch(config_from(provider(
        f"opentelemetry: {{{SERVICE}, port: 4317, httpPath: /v1/traces}}")))
    assert (f.rule, f.path, f.severity) == (
        "otlp-port-mismatch", "mesh.extensionProviders[0].opentelemetry.port", "warning")
    assert f.fix == "use port 4318, or remove httpPath"


def test_otlp_http_to_the_http_port_is_accepted() -> None:
    text = provider(f"opentelemetry: {{{SERVICE}, port: 4318, httpPath: /v1/traces}}")
    assert found(otlp_port_mismatch, text) == []


def test_envoys_otel_access_log_to_the_http_port_is_a_warning() -> None:
    assert found(otlp_port_mismatch, provider(f"envoyOtelAls: {{{SERVICE}, port: 4318}}")) == [
        ("otlp-port-mismatch", "mesh.extensionProviders[0].envoyOtelAls.port", "warning")]


def test_envoys_otel_access_log_to_the_grpc_port_is_accepted() -> None:
    assert found(otlp_port_mismatch, provider(f"envoyOtelAls: {{{SERVICE}, port: 4317}}")) == []


# --- access-log-in-container --------------------------------------------------------------

def test_a_mesh_access_log_to_a_file_in_the_container_is_a_warning() -> None:
    assert found(access_log_in_container, "mesh: {accessLog: {file: /var/log/istio/access.log}}\n") == [
        ("access-log-in-container", "mesh.accessLog.file", "warning")]


@pytest.mark.parametrize("stream", ["/dev/stdout", "/dev/stderr"])
def test_a_mesh_access_log_to_a_standard_stream_is_accepted(stream: str) -> None:
    assert found(access_log_in_container, f"mesh: {{accessLog: {{file: {stream}}}}}\n") == []


def test_a_file_access_log_provider_writing_in_the_container_is_reported_on_its_path() -> None:
    text = provider("envoyFileAccessLog: {path: /tmp/access.log}")
    assert found(access_log_in_container, text) == [
        ("access-log-in-container", "mesh.extensionProviders[0].envoyFileAccessLog.path", "warning")]


def test_a_file_access_log_provider_writing_to_stdout_is_accepted() -> None:
    assert found(access_log_in_container, provider("envoyFileAccessLog: {path: /dev/stdout}")) == []


# --- telemetry-namespace-unknown ----------------------------------------------------------

def override(name: str) -> str:
    return ("namespaces: [{name: shop}]\nmesh:\n  telemetry:\n    namespaces:\n"
            f"      {name}: {{accessLogging: {{disabled: true}}}}\n")


def test_a_telemetry_override_for_a_namespace_the_config_lacks_is_a_warning() -> None:
    assert found(telemetry_namespace_unknown, override("shopp")) == [
        ("telemetry-namespace-unknown", "mesh.telemetry.namespaces.shopp", "warning")]


def test_a_telemetry_override_for_a_listed_namespace_is_accepted() -> None:
    assert found(telemetry_namespace_unknown, override("shop")) == []


def test_a_telemetry_override_for_the_istio_namespace_is_accepted() -> None:
    assert found(telemetry_namespace_unknown, override("istio-system")) == []

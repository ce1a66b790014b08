"""Istio's CRD rules that users hear at synth time, in cluster and fleet
files, each agreeing with the real CEL rule evaluated on the same object."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import error_for
import yaml

from cel_rules import cel_violations
from fleet_form import fleet_error_for, in_fleet
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import parse_config


def extra(kind: str, api_version: str, spec: str) -> str:
    return (f"namespaces: [{{name: shop}}]\nextraResources:\n  - apiVersion: {api_version}\n"
            f"    kind: {kind}\n    metadata: {{name: r, namespace: shop}}\n    spec: {spec}\n")


CASES = [
    pytest.param(
        extra("ServiceEntry", "networking.istio.io/v1",
              "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], "
              "workloadSelector: {labels: {app: a}}, endpoints: [{address: 10.0.0.1}]}"),
        "config/prod.yaml: extraResources[0].spec.workloadSelector: only one of WorkloadSelector "
        "or Endpoints can be set (a rule of Istio's ServiceEntry CRD)",
        id="service-entry-selector-and-endpoints",
    ),
    pytest.param(
        extra("ServiceEntry", "networking.istio.io/v1",
              "{hosts: ['*'], ports: [{number: 80, name: http, protocol: HTTP}]}"),
        "config/prod.yaml: extraResources[0].spec.hosts[0]: hostname cannot be wildcard (a rule "
        "of Istio's ServiceEntry CRD)",
        id="service-entry-wildcard-host",
    ),
    pytest.param(
        extra("AuthorizationPolicy", "security.istio.io/v1",
              "{rules: [{from: [{source: {serviceAccounts: [shop/web], namespaces: [shop]}}]}]}"),
        "config/prod.yaml: extraResources[0].spec.rules[0].from[0].source: Cannot set "
        "serviceAccounts with namespaces or principals (a rule of Istio's AuthorizationPolicy CRD)",
        id="authorization-accounts-with-namespaces",
    ),
    pytest.param(
        extra("Telemetry", "telemetry.istio.io/v1",
              "{selector: {matchLabels: {app: a}}, targetRefs: [{kind: Service, name: a}], "
              "tracing: [{randomSamplingPercentage: 1}]}"),
        "config/prod.yaml: extraResources[0].spec.selector: only one of targetRefs or selector "
        "can be set (a rule of Istio's Telemetry CRD)",
        id="selector-and-target-refs",
    ),
]



@pytest.mark.parametrize(("text", "message"), CASES)
def test_crd_rule_is_heard_at_synth_time(text: str, message: str) -> None:
    assert error_for(text) == message


@pytest.mark.parametrize(("text", "message"), CASES)
def test_crd_rule_is_heard_in_a_fleet_cluster(tmp_path: Path, text: str, message: str) -> None:
    assert fleet_error_for(tmp_path, text) == in_fleet(message)


@pytest.mark.parametrize(("text", "message"), CASES)
def test_the_real_cel_rule_refuses_the_same_object(reference: Path, text: str, message: str) -> None:
    resource = yaml.safe_load(text)["extraResources"][0]
    crd_message = message.split(": ", 2)[2].split(" (a rule of")[0]
    assert crd_message in [v.message for v in cel_violations(reference, resource)]

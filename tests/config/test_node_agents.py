"""Per-node agents (config/node_agents.py): the Istio CNI plug-in and
ztunnel. This file checks that both are off by default, the CNI agent lives
in kube-system unless told otherwise, and the refusals of their own fields."""

from __future__ import annotations

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.node_agents import CniSettings, ZtunnelSettings


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


AMBIENT = "istio: {profile: ambient}\ncni: {enabled: true}\n"


# CniSettings


def test_the_cni_agent_is_off_and_would_run_in_kube_system_by_default() -> None:
    cni = CniSettings()
    assert (cni.enabled, cni.namespace, cni.resources, cni.extra_values) == (False, "kube-system", None, {})


def test_the_cni_agent_runs_in_the_namespace_it_is_given() -> None:
    cni = config_from("cni: {enabled: true, namespace: istio-cni, extraValues: {cni: {logLevel: debug}}}").cni
    assert (cni.enabled, cni.namespace, cni.extra_values) == (True, "istio-cni", {"cni": {"logLevel": "debug"}})


def test_a_cni_namespace_that_is_not_a_dns_label_is_refused() -> None:
    assert error_for("cni: {namespace: Kube_System}").startswith(
        "test.yaml: cni.namespace: got 'Kube_System'; must be a DNS-1123 label"
    )


def test_an_unknown_cni_key_is_refused_with_the_allowed_ones() -> None:
    assert error_for("cni: {enable: true}") == (
        "test.yaml: cni.enable: unknown key; allowed keys: enabled, extraValues, namespace, placement, "
        "resources (did you mean 'enabled'?)"
    )


def test_cni_requests_above_its_own_limits_are_refused() -> None:
    assert error_for("cni: {resources: {requests: {memory: 512Mi}, limits: {memory: 256Mi}}}") == (
        "test.yaml: cni.resources.requests.memory: '512Mi' is above the limit '256Mi'; "
        "lower the request or set limits.memory"
    )


# ZtunnelSettings


def test_ztunnel_is_off_with_the_charts_resources_by_default() -> None:
    ztunnel = ZtunnelSettings()
    assert (ztunnel.enabled, ztunnel.resources, ztunnel.extra_values) == (False, None, {})


def test_ztunnel_with_ambient_keeps_its_resources() -> None:
    ztunnel = config_from(AMBIENT + "ztunnel: {enabled: true, resources: {requests: {cpu: 200m}}}").ztunnel
    assert ztunnel.enabled is True
    assert ztunnel.resources is not None and ztunnel.resources.to_values() == {"requests": {"cpu": "200m"}}


def test_ztunnel_enabled_written_as_text_is_refused() -> None:
    assert error_for("ztunnel: {enabled: sometimes}") == (
        "test.yaml: ztunnel.enabled: got 'sometimes' (string); must be a valid boolean, unable to interpret input"
    )


def test_ztunnel_has_no_namespace_setting() -> None:
    assert error_for("ztunnel: {namespace: istio-system}").startswith(
        "test.yaml: ztunnel.namespace: unknown key; allowed keys: enabled, extraValues, placement, resources"
    )

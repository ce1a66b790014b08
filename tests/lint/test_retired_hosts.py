"""The rule that refuses Istio's retired Google Cloud hosting anywhere in a
config: every string of the validated config is read, typed fields and
``extraValues`` trees alike. The check is called on configs built from YAML
text: the exact finding (rule, field path in YAML spelling, severity, text)
and nothing for Istio's current homes or a private mirror."""

from __future__ import annotations

import pytest

from conftest import config_from
from istio_mesh.lint.retired_hosts import RETIRED_HOST_CHECKS, retired_hosts

CHART_FIX = ("use https://blob.istio.io/istio-release/charts or oci://ghcr.io/istio/release/charts "
             "(or a mirror of them)")
IMAGE_FIX = "use docker.io/istio (or a mirror of it)"


def found(text: str) -> list[tuple[str, str, str]]:
    return [(f.rule, f.path, f.severity) for f in retired_hosts(config_from(text))]


def test_a_chart_repository_in_the_retired_bucket_is_an_error_with_the_new_chart_homes() -> None:
    [f] = retired_hosts(config_from(
        "istio: {chartRepository: 'https://istio-release.storage.googleapis.com/charts'}\n"))
    assert (f.rule, f.path, f.severity) == ("retired-istio-host", "istio.chartRepository", "error")
    assert f.message == (
        "names istio-release.storage.googleapis.com, which Istio retired (nothing is published there "
        "from 1.31 on and it is being switched off); charts are served from "
        "https://blob.istio.io/istio-release/charts (or oci://ghcr.io/istio/release/charts)")
    assert f.fix == CHART_FIX


def test_a_retired_image_hub_is_an_error_with_the_new_image_hub() -> None:
    [f] = retired_hosts(config_from("istio: {hub: gcr.io/istio-release}\n"))
    assert (f.rule, f.path, f.severity) == ("retired-istio-host", "istio.hub", "error")
    assert f.message.startswith("names gcr.io/istio-release, which Istio retired")
    assert f.message.endswith("; images are served from docker.io/istio")
    assert f.fix == IMAGE_FIX


def test_a_retired_hub_deep_in_extra_values_is_found_at_its_path() -> None:
    assert found("istiod: {extraValues: {global: {hub: 'gcr.io/istio-release'}}}\n") == [
        ("retired-istio-host", "istiod.extraValues.global.hub", "error")]


def test_a_retired_image_in_a_list_of_a_gateway_is_found_at_its_index() -> None:
    text = ("gateways: [{name: gw, kind: ingress, extraValues: "
            "{initContainers: [{name: a, image: 'busybox:1.36'}, {name: b, image: 'registry.istio.io/x:1'}]}}]\n")
    assert found(text) == [("retired-istio-host", "gateways[0].extraValues.initContainers[1].image", "error")]


def test_a_regional_gcr_host_is_retired_too() -> None:
    assert found("istio: {hub: eu.gcr.io/istio-release}\n") == [("retired-istio-host", "istio.hub", "error")]


def test_every_retired_string_of_a_config_is_reported() -> None:
    text = ("istio: {chartRepository: 'https://storage.googleapis.com/istio-release/releases/charts', "
            "hub: gcr.io/istio-release}\n")
    assert found(text) == [("retired-istio-host", "istio.chartRepository", "error"),
                           ("retired-istio-host", "istio.hub", "error")]


@pytest.mark.parametrize("text", [
    "istio: {chartRepository: 'https://blob.istio.io/istio-release/charts'}\n",
    "istio: {chartRepository: 'oci://ghcr.io/istio/release/charts'}\n",
    "istio: {hub: docker.io/istio}\n",
    "istio: {hub: mirror.example.com/istio-release}\n",
    "istiod: {extraValues: {global: {hub: 'my-istio-release.storage.googleapis.com.example.com/x'}}}\n",
])
def test_the_new_homes_and_a_private_mirror_are_not_retired(text: str) -> None:
    assert found(text) == []


def test_the_default_config_names_no_retired_host() -> None:
    assert found("environment: staging\n") == []


def test_the_rule_is_registered_once() -> None:
    assert RETIRED_HOST_CHECKS == (retired_hosts,)

"""base and cni chart values, built without jsii."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.values import base_values, cni_values
from istio_mesh.config.merge import deep_merge


def test_base_keeps_crds_as_templates() -> None:
    values = base_values(config_from("{}"))
    assert values["base"] == {"enableCRDTemplates": True}
    assert "excludedCRDs" not in values["base"]
    assert values["global"] == {"istioNamespace": "istio-system"}


def test_base_follows_the_istio_namespace_and_pull_secrets() -> None:
    values = base_values(config_from("istioNamespace: mesh-system\nistio: {imagePullSecrets: [p]}"))
    assert values["global"] == {"istioNamespace": "mesh-system", "imagePullSecrets": ["p"]}


def test_cni_follows_images_and_platform() -> None:
    assert cni_values(config_from("cni: {enabled: true}")) == {"global": {"hub": "docker.io/istio"}}
    values = cni_values(config_from("istio: {hub: reg/istio, platform: gke}\ncni: {enabled: true}"))
    assert values == {"platform": "gke", "global": {"hub": "reg/istio"}}


def test_deep_merge_replaces_lists_and_merges_maps() -> None:
    merged = deep_merge({"a": {"b": 1, "c": [1, 2]}, "d": 1}, {"a": {"c": [3]}, "e": 2})
    assert merged == {"a": {"b": 1, "c": [3]}, "d": 1, "e": 2}

"""``values.common`` holds values several charts share: image settings,
platform and profile selectors, the ``global`` block, disruption budgets,
anti-affinity and spread, and the replica floor and ceiling. This file checks
each helper's exact output and its boundaries."""

from __future__ import annotations

import pytest

from conftest import config_from
from istio_mesh.config.scaling import Autoscaling, Spread
from istio_mesh.values.common import (
    chart_globals,
    has_disruption_budget,
    image_globals,
    profile_selectors,
    replica_floor,
    scheduling,
)

POD = {"app": "edge"}


def test_images_always_name_istios_hub_and_nothing_else_by_default() -> None:
    assert image_globals(config_from("{}").istio) == {"hub": "docker.io/istio"}


def test_images_name_the_configured_hub_tag_and_pull_secrets() -> None:
    istio = config_from("istio: {hub: reg.example.com/istio, tag: 1.30.3-distroless,"
                        " imagePullSecrets: [a, b]}").istio
    assert image_globals(istio) == {
        "hub": "reg.example.com/istio", "tag": "1.30.3-distroless", "imagePullSecrets": ["a", "b"]}


def test_no_platform_and_the_default_profile_select_nothing() -> None:
    assert profile_selectors(config_from("{}").istio) == {}


def test_a_platform_and_the_ambient_profile_are_both_selected() -> None:
    istio = config_from("istio: {platform: gke, profile: ambient}\ncni: {enabled: true}\n"
                        "ztunnel: {enabled: true}").istio
    assert profile_selectors(istio) == {"platform": "gke", "profile": "ambient"}


def test_chart_globals_name_the_istio_namespace_beside_the_images() -> None:
    assert chart_globals(config_from("istioNamespace: mesh-root\nistio: {tag: '1.30.3'}")) == {
        "istioNamespace": "mesh-root", "hub": "docker.io/istio", "tag": "1.30.3"}


@pytest.mark.parametrize(("replicas", "budget"), [(1, False), (2, True), (5, True)])
def test_a_disruption_budget_only_from_two_replicas(replicas: int, budget: bool) -> None:
    assert has_disruption_budget(replicas) is budget


def test_no_spread_settings_schedule_nothing() -> None:
    assert scheduling(Spread(), POD) == {}


def test_required_anti_affinity_keeps_replicas_on_different_nodes() -> None:
    assert scheduling(Spread(anti_affinity="required"), POD) == {
        "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "edge"}}, "topologyKey": "kubernetes.io/hostname"}]}}}


def test_preferred_anti_affinity_is_a_weighted_preference_with_a_zone_spread() -> None:
    spread = Spread(anti_affinity="preferred", topology_key="topology.kubernetes.io/zone",
                    when_unsatisfiable="DoNotSchedule")
    assert scheduling(spread, POD) == {
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "edge"}},
                                                "topologyKey": "kubernetes.io/hostname"}}]}},
        "topologySpreadConstraints": [{
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"app": "edge"}},
        }],
    }


def test_a_topology_spread_alone_adds_no_affinity() -> None:
    assert list(scheduling(Spread(topology_key="zone"), POD)) == ["topologySpreadConstraints"]


def test_an_autoscaled_component_runs_from_its_replicas_to_the_ceiling() -> None:
    assert replica_floor(2, Autoscaling(max_replicas=8)) == (2, 8)


def test_a_ceiling_below_the_replicas_is_raised_to_them() -> None:
    assert replica_floor(6, Autoscaling(max_replicas=3)) == (6, 6)


def test_without_the_autoscaler_floor_and_ceiling_are_the_replicas() -> None:
    assert replica_floor(3, Autoscaling(enabled=False, max_replicas=10)) == (3, 3)

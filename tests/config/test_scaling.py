"""Replicas and their placement (config/scaling.py), shared by istiod and the
gateways. This file checks the autoscaler and spread defaults and bounds, and
check_ceiling, which refuses an autoscaler ceiling below the floor."""

from __future__ import annotations

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.errors import ConfigError, RuleViolation
from istio_mesh.config.scaling import Autoscaling, Spread, check_ceiling


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


# Autoscaling


def test_autoscaling_is_on_up_to_five_replicas_by_default() -> None:
    assert (Autoscaling().enabled, Autoscaling().max_replicas) == (True, 5)


@pytest.mark.parametrize(("value", "message"), [(0, "got 0; allowed: 1 to 100"), (101, "got 101; allowed: 1 to 100")])
def test_a_ceiling_outside_one_to_a_hundred_is_refused(value: int, message: str) -> None:
    assert error_for(f"istiod: {{autoscaling: {{maxReplicas: {value}}}}}") == (
        f"test.yaml: istiod.autoscaling.maxReplicas: {message}"
    )


# Spread


def test_replicas_are_not_spread_by_default() -> None:
    spread = Spread()
    assert (spread.anti_affinity, spread.topology_key, spread.when_unsatisfiable) == ("none", None, "ScheduleAnyway")


def test_a_zone_spread_that_must_hold_is_kept() -> None:
    spread = config_from(
        "istiod: {spread: {antiAffinity: required, topologyKey: topology.kubernetes.io/zone, "
        "whenUnsatisfiable: DoNotSchedule}}"
    ).istiod.spread
    assert (spread.anti_affinity, spread.topology_key, spread.when_unsatisfiable) == (
        "required", "topology.kubernetes.io/zone", "DoNotSchedule"
    )


def test_an_anti_affinity_other_than_none_preferred_or_required_is_refused() -> None:
    assert error_for("istiod: {spread: {antiAffinity: always}}") == (
        "test.yaml: istiod.spread.antiAffinity: got 'always' (string); must be 'none', 'preferred' or 'required'"
    )


def test_a_when_unsatisfiable_kubernetes_does_not_have_is_refused() -> None:
    assert error_for("gateways: [{name: gw, kind: ingress, spread: {whenUnsatisfiable: Never}}]") == (
        "test.yaml: gateways[0].spread.whenUnsatisfiable: got 'Never' (string); "
        "must be 'ScheduleAnyway' or 'DoNotSchedule'"
    )


# check_ceiling


def test_a_ceiling_equal_to_the_floor_passes() -> None:
    assert check_ceiling(5, Autoscaling(max_replicas=5)) is None


def test_a_ceiling_below_the_floor_is_refused_at_max_replicas() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_ceiling(4, Autoscaling(max_replicas=3))
    assert caught.value.path == ("autoscaling", "maxReplicas")
    assert caught.value.message == "3 is below replicas (4); the autoscaler ceiling must be at least the floor"


def test_a_ceiling_below_the_floor_is_ignored_when_autoscaling_is_off() -> None:
    assert check_ceiling(10, Autoscaling(enabled=False, max_replicas=1)) is None

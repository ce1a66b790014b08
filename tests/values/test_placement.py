"""``values.placement`` writes priority class, node selector, tolerations and
rollout under the key each pinned chart reads (istiod, gateway, ztunnel and
cni disagree). This file checks each chart's exact values, and that an
unplaced component gets none."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.placement import CniPlacement, Placement, ZtunnelPlacement
from istio_mesh.values.placement import cni_placement, gateway_placement, istiod_placement, ztunnel_placement

FULL: dict[str, Any] = {
    "priorityClassName": "system-cluster-critical",
    "nodeSelector": {"pool": "mesh"},
    "tolerations": [{"key": "dedicated", "value": "mesh", "effect": "NoSchedule"},
                    {"key": "drain", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}],
    "rollout": {"maxSurge": 1, "maxUnavailable": "25%"},
}
TOLERATIONS = [
    {"operator": "Equal", "key": "dedicated", "value": "mesh", "effect": "NoSchedule"},
    {"operator": "Exists", "key": "drain", "effect": "NoExecute", "tolerationSeconds": 30},
]


def test_an_unplaced_component_keeps_every_chart_default() -> None:
    assert istiod_placement(Placement()) == {}
    assert gateway_placement(Placement()) == {}
    assert ztunnel_placement(ZtunnelPlacement()) == {}
    assert cni_placement(CniPlacement()) == {}


def test_istiod_reads_the_priority_class_from_global_and_the_rollout_from_flat_keys() -> None:
    assert istiod_placement(Placement.model_validate(FULL)) == {
        "nodeSelector": {"pool": "mesh"},
        "tolerations": TOLERATIONS,
        "global": {"priorityClassName": "system-cluster-critical"},
        "rollingMaxSurge": 1,
        "rollingMaxUnavailable": "25%",
    }


def test_a_gateway_reads_the_priority_class_and_a_deployment_strategy_at_its_top_level() -> None:
    assert gateway_placement(Placement.model_validate(FULL)) == {
        "nodeSelector": {"pool": "mesh"},
        "tolerations": TOLERATIONS,
        "priorityClassName": "system-cluster-critical",
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}},
    }


def test_a_node_selector_alone_is_all_that_is_written() -> None:
    assert gateway_placement(Placement.model_validate({"nodeSelector": {"pool": "edge"}})) == {
        "nodeSelector": {"pool": "edge"}}


def test_ztunnel_takes_a_node_selector_tolerations_and_a_daemonset_update_strategy() -> None:
    placement = ZtunnelPlacement.model_validate({
        "nodeSelector": {"pool": "mesh"},
        "tolerations": [{"key": "dedicated", "value": "mesh", "effect": "NoSchedule"}],
        "rollout": {"maxSurge": 0, "maxUnavailable": 1},
    })
    assert ztunnel_placement(placement) == {
        "nodeSelector": {"pool": "mesh"},
        "tolerations": [TOLERATIONS[0]],
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}},
    }


def test_an_empty_ztunnel_toleration_list_is_written_to_replace_the_charts() -> None:
    assert ztunnel_placement(ZtunnelPlacement.model_validate({"tolerations": []})) == {"tolerations": []}


def test_the_cni_agent_takes_tolerations_and_an_unavailable_only_update_strategy() -> None:
    placement = CniPlacement.model_validate({
        "tolerations": [{"key": "drain", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}],
        "rollout": {"maxUnavailable": "10%"},
    })
    assert cni_placement(placement) == {
        "tolerations": [TOLERATIONS[1]],
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}},
    }


def test_an_empty_cni_toleration_list_is_written_to_replace_the_charts() -> None:
    assert cni_placement(CniPlacement.model_validate({"tolerations": []})) == {"tolerations": []}

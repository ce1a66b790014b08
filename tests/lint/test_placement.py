"""Production placement rules: where the mesh's own pods run and how a rollout
replaces them. Each check is called on its own, on a config built from YAML
text: the exact finding where it should fire, nothing for the safe setting,
and nothing outside production."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from conftest import config_from
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.lint import placement
from istio_mesh.lint.rules import Finding

Check = Callable[[MeshConfig], Iterator[Finding]]

PROD = "environment: production\n"
PRIORITY = "priorityClassName: system-cluster-critical"
AMBIENT = PROD + "istio: {profile: ambient}\ncni: {enabled: true}\n"


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes on ``text``."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


def only(check: Check, text: str) -> Finding:
    [one] = list(check(config_from(text)))
    return one


# --- no_priority_class -----------------------------------------------------------------


def test_a_production_istiod_without_a_priority_class_is_found() -> None:
    f = only(placement.no_priority_class, PROD)
    assert (f.rule, f.path, f.severity) == ("prod-no-priority-class", "istiod.placement.priorityClassName",
                                            "warning")
    assert f.message == ("is not set for istiod in a production mesh: under node pressure the "
                         "scheduler preempts and evicts its pods like any other workload's")


def test_a_priority_class_in_placement_satisfies_the_rule() -> None:
    assert found(placement.no_priority_class, PROD + f"istiod: {{placement: {{{PRIORITY}}}}}\n") == []


def test_a_priority_class_in_istiod_extra_values_satisfies_the_rule() -> None:
    text = PROD + "istiod: {extraValues: {global: {priorityClassName: system-cluster-critical}}}\n"
    assert found(placement.no_priority_class, text) == []


def test_a_chart_gateway_without_a_priority_class_is_named_in_the_finding() -> None:
    text = PROD + f"istiod: {{placement: {{{PRIORITY}}}}}\ngateways: [{{name: gw, kind: ingress}}]\n"
    f = only(placement.no_priority_class, text)
    assert (f.rule, f.path) == ("prod-no-priority-class", "gateways[0].placement.priorityClassName")
    assert f.message.startswith("is not set for gateway 'gw' in a production mesh")


def test_a_gateway_priority_class_in_extra_values_satisfies_the_rule() -> None:
    text = (PROD + f"istiod: {{placement: {{{PRIORITY}}}}}\n"
            "gateways: [{name: gw, kind: ingress, extraValues: {priorityClassName: system-cluster-critical}}]\n")
    assert found(placement.no_priority_class, text) == []


def test_a_missing_priority_class_outside_production_is_not_found() -> None:
    assert found(placement.no_priority_class, "environment: staging\n") == []


# --- tolerates_every_taint -------------------------------------------------------------


def test_a_toleration_of_every_no_schedule_taint_is_found_at_its_index() -> None:
    text = (PROD + "istiod:\n  placement:\n    tolerations:\n"
            "      - {key: dedicated, value: istio-system, effect: NoSchedule}\n"
            "      - {operator: Exists, effect: NoSchedule}\n")
    f = only(placement.tolerates_every_taint, text)
    assert (f.rule, f.path, f.severity) == ("prod-tolerates-every-taint", "istiod.placement.tolerations[1]",
                                            "warning")
    assert f.message == ("lets istiod onto nodes with any taint of effect NoSchedule: nodes being "
                         "drained or kept for other workloads, so no node pool is its own")


def test_a_toleration_of_every_taint_of_every_effect_names_no_effect() -> None:
    f = only(placement.tolerates_every_taint, PROD + "istiod: {placement: {tolerations: [{operator: Exists}]}}\n")
    assert f.path == "istiod.placement.tolerations[0]"
    assert f.message.startswith("lets istiod onto nodes with any taint: nodes being drained")


def test_tolerating_every_prefer_no_schedule_taint_is_not_found() -> None:
    text = PROD + "istiod: {placement: {tolerations: [{operator: Exists, effect: PreferNoSchedule}]}}\n"
    assert found(placement.tolerates_every_taint, text) == []


def test_a_toleration_of_one_named_taint_is_not_found() -> None:
    text = PROD + "istiod: {placement: {tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]}}\n"
    assert found(placement.tolerates_every_taint, text) == []


# --- rollout_all_unavailable -----------------------------------------------------------


def test_a_rollout_that_may_stop_every_istiod_pod_is_found() -> None:
    text = PROD + "istiod: {replicas: 2, placement: {rollout: {maxSurge: 0, maxUnavailable: 2}}}\n"
    f = only(placement.rollout_all_unavailable, text)
    assert (f.rule, f.path, f.severity) == (
        "prod-rollout-all-unavailable", "istiod.placement.rollout.maxUnavailable", "error")
    assert f.message == ("is 2 with 2 replica(s): a rollout may stop every istiod pod before a new "
                         "one is ready")


def test_a_gateway_rollout_of_one_hundred_percent_is_found() -> None:
    text = (PROD + "gateways: [{name: gw, kind: egress, replicas: 3, "
            "placement: {rollout: {maxSurge: 1, maxUnavailable: '100%'}}}]\n")
    assert found(placement.rollout_all_unavailable, text) == [
        ("prod-rollout-all-unavailable", "gateways[0].placement.rollout.maxUnavailable", "error")]


def test_a_rollout_that_keeps_one_replica_is_not_found() -> None:
    text = PROD + "istiod: {replicas: 3, placement: {rollout: {maxSurge: 0, maxUnavailable: 2}}}\n"
    assert found(placement.rollout_all_unavailable, text) == []


def test_a_ztunnel_rollout_of_every_node_is_found() -> None:
    text = AMBIENT + "ztunnel: {enabled: true, placement: {rollout: {maxSurge: 0, maxUnavailable: '100%'}}}\n"
    f = only(placement.rollout_all_unavailable, text)
    assert (f.rule, f.path, f.severity) == (
        "prod-rollout-all-unavailable", "ztunnel.placement.rollout.maxUnavailable", "error")
    assert f.message == ("is '100%': a rollout may restart ztunnel on every node at once, "
                         "interrupting the mesh traffic of the whole cluster")


def test_a_node_agent_rollout_by_a_pod_count_is_not_found() -> None:
    # The node count is unknown to the config: only 100% is certainly every node.
    text = PROD + "cni: {enabled: true, placement: {rollout: {maxUnavailable: 50}}}\n"
    assert found(placement.rollout_all_unavailable, text) == []


# --- node_agent_skips_tainted_nodes ----------------------------------------------------


def test_a_cni_agent_that_tolerates_only_no_schedule_skips_tainted_nodes() -> None:
    text = PROD + "cni: {enabled: true, placement: {tolerations: [{operator: Exists, effect: NoSchedule}]}}\n"
    f = only(placement.node_agent_skips_tainted_nodes, text)
    assert (f.rule, f.path, f.severity) == (
        "prod-node-agent-skips-tainted-nodes", "cni.placement.tolerations", "warning")
    assert f.message.startswith("replace the chart's tolerate-everything list, so the CNI agent stays off")


def test_a_node_agent_tolerating_both_effects_keeps_every_node() -> None:
    text = (AMBIENT + "ztunnel: {enabled: true, placement: {tolerations: "
            "[{operator: Exists, effect: NoSchedule}, {operator: Exists, effect: NoExecute}]}}\n")
    assert found(placement.node_agent_skips_tainted_nodes, text) == []


def test_a_node_agent_tolerating_every_taint_keeps_every_node() -> None:
    text = AMBIENT + "ztunnel: {enabled: true, placement: {tolerations: [{operator: Exists}]}}\n"
    assert found(placement.node_agent_skips_tainted_nodes, text) == []


def test_a_node_agent_with_tolerations_left_unset_is_not_found() -> None:
    assert found(placement.node_agent_skips_tainted_nodes, PROD + "cni: {enabled: true}\n") == []


def test_a_disabled_node_agent_is_not_judged() -> None:
    text = PROD + "cni: {enabled: false, placement: {tolerations: [{operator: Exists, effect: NoSchedule}]}}\n"
    assert found(placement.node_agent_skips_tainted_nodes, text) == []


# --- the register ----------------------------------------------------------------------


def test_placement_rules_are_silent_outside_production() -> None:
    text = ("environment: staging\n"
            "istiod: {replicas: 2, placement: {tolerations: [{operator: Exists}], "
            "rollout: {maxSurge: 0, maxUnavailable: 2}}}\n"
            "cni: {enabled: true, placement: {tolerations: [{operator: Exists, effect: NoSchedule}]}}\n")
    config = config_from(text)
    assert [f.rule for check in placement.PLACEMENT_CHECKS for f in check(config)] == []

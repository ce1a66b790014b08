"""Scheduling rules (placements no node can satisfy, topology keys nodes may
lack, ztunnel kept off nodes ambient pods run on): each check is called on
its own, on a config built from YAML, and must report the exact finding for a
dangerous config and none for the nearest safe one."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.lint.rules import Check
from istio_mesh.lint.rules_scheduling import (
    SCHEDULING_CHECKS, placement_never_schedules, spread_unknown_topology_key, ztunnel_skips_nodes,
)


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes for the YAML."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


CONTROL_PLANE = "node-role.kubernetes.io/control-plane"


def gateway(extra: str) -> str:
    return "gateways:\n- name: web\n  kind: ingress\n" + extra


def test_the_three_scheduling_rules_are_registered() -> None:
    assert SCHEDULING_CHECKS == (placement_never_schedules, spread_unknown_topology_key, ztunnel_skips_nodes)


# --- placement-never-schedules: operating system ------------------------------------------

def test_istiod_on_windows_nodes_never_schedules() -> None:
    [f] = placement_never_schedules(config_from("istiod:\n  placement: {nodeSelector: {kubernetes.io/os: windows}}\n"))
    assert (f.rule, f.path, f.severity) == (
        "placement-never-schedules", "istiod.placement.nodeSelector.kubernetes.io/os", "error")
    assert f.message.startswith("selects 'windows' nodes, but Istio publishes Linux images only: "
                                "istiod's pods stay Pending")


def test_istiod_on_linux_nodes_is_accepted() -> None:
    text = "istiod:\n  placement: {nodeSelector: {kubernetes.io/os: linux}}\n"
    assert found(placement_never_schedules, text) == []


def ztunnel_on_control_plane(tolerations: str = "") -> str:
    return ("istio: {profile: ambient}\ncni: {enabled: true}\nztunnel:\n  enabled: true\n"
            f"  placement:\n    nodeSelector: {{{CONTROL_PLANE}: ''}}\n{tolerations}")


def test_ztunnel_on_control_plane_nodes_with_tolerations_that_miss_the_taint_never_schedules() -> None:
    text = ztunnel_on_control_plane("    tolerations: [{key: dedicated, operator: Exists}]\n")
    assert found(placement_never_schedules, text) == [
        ("placement-never-schedules", f"ztunnel.placement.nodeSelector.{CONTROL_PLANE}", "error")]


def test_ztunnel_on_control_plane_nodes_with_the_charts_tolerations_schedules() -> None:
    # Unset tolerations leave the ztunnel chart's, which tolerate every NoSchedule taint.
    assert found(placement_never_schedules, ztunnel_on_control_plane()) == []


# --- placement-never-schedules: control-plane nodes ---------------------------------------

def test_a_gateway_on_control_plane_nodes_without_the_toleration_never_schedules() -> None:
    text = gateway(f"  placement: {{nodeSelector: {{{CONTROL_PLANE}: ''}}}}\n")
    [f] = placement_never_schedules(config_from(text))
    assert (f.rule, f.path, f.severity) == (
        "placement-never-schedules", f"gateways[0].placement.nodeSelector.{CONTROL_PLANE}", "error")
    assert "gateway 'web''s pods stay Pending" in f.message


def test_a_gateway_on_control_plane_nodes_with_the_toleration_is_accepted() -> None:
    text = gateway(f"  placement:\n    nodeSelector: {{{CONTROL_PLANE}: ''}}\n"
                   f"    tolerations: [{{key: {CONTROL_PLANE}, operator: Exists, effect: NoSchedule}}]\n")
    assert found(placement_never_schedules, text) == []


def test_a_toleration_of_the_wrong_effect_does_not_let_pods_onto_control_plane_nodes() -> None:
    text = gateway(f"  placement:\n    nodeSelector: {{{CONTROL_PLANE}: ''}}\n"
                   f"    tolerations: [{{key: {CONTROL_PLANE}, operator: Exists, effect: NoExecute}}]\n")
    assert found(placement_never_schedules, text) == [
        ("placement-never-schedules", f"gateways[0].placement.nodeSelector.{CONTROL_PLANE}", "error")]


def test_a_toleration_of_every_taint_lets_pods_onto_control_plane_nodes() -> None:
    text = gateway(f"  placement:\n    nodeSelector: {{{CONTROL_PLANE}: ''}}\n"
                   "    tolerations: [{operator: Exists}]\n")
    assert found(placement_never_schedules, text) == []


# --- placement-never-schedules: required anti-affinity on one node ------------------------

def one_node(replicas: int, anti_affinity: str) -> str:
    return (f"istiod:\n  replicas: {replicas}\n  placement: {{nodeSelector: {{kubernetes.io/hostname: node-a}}}}\n"
            f"  spread: {{antiAffinity: {anti_affinity}}}\n")


def test_three_replicas_with_required_anti_affinity_on_one_node_never_schedule() -> None:
    [f] = placement_never_schedules(config_from(one_node(3, "required")))
    assert (f.rule, f.path, f.severity) == ("placement-never-schedules", "istiod.spread.antiAffinity", "error")
    assert f.message.startswith("is required with 3 replicas, but nodeSelector pins them to node "
                                "'node-a' and required anti-affinity allows one per node: 2 of them")


def test_one_replica_with_required_anti_affinity_on_one_node_fits() -> None:
    assert found(placement_never_schedules, one_node(1, "required")) == []


def test_preferred_anti_affinity_on_one_node_lets_replicas_share_it() -> None:
    assert found(placement_never_schedules, one_node(3, "preferred")) == []


# --- spread-unknown-topology-key ----------------------------------------------------------

def spread(key: str, when: str) -> str:
    return gateway(f"  spread: {{topologyKey: {key}, whenUnsatisfiable: {when}}}\n")


def test_a_misspelt_topology_key_with_do_not_schedule_is_a_warning() -> None:
    assert found(spread_unknown_topology_key, spread("topology.kubernetes.io/zones", "DoNotSchedule")) == [
        ("spread-unknown-topology-key", "gateways[0].spread.topologyKey", "warning")]


def test_the_deprecated_zone_label_with_do_not_schedule_is_a_warning() -> None:
    text = spread("failure-domain.beta.kubernetes.io/zone", "DoNotSchedule")
    assert found(spread_unknown_topology_key, text) == [
        ("spread-unknown-topology-key", "gateways[0].spread.topologyKey", "warning")]


def test_the_well_known_zone_label_with_do_not_schedule_is_accepted() -> None:
    assert found(spread_unknown_topology_key, spread("topology.kubernetes.io/zone", "DoNotSchedule")) == []


def test_an_unknown_topology_key_with_schedule_anyway_is_accepted() -> None:
    assert found(spread_unknown_topology_key, spread("topology.kubernetes.io/zones", "ScheduleAnyway")) == []


def test_an_unknown_topology_key_on_istiod_is_reported_on_istiod() -> None:
    text = "istiod:\n  spread: {topologyKey: pool, whenUnsatisfiable: DoNotSchedule}\n"
    assert found(spread_unknown_topology_key, text) == [
        ("spread-unknown-topology-key", "istiod.spread.topologyKey", "warning")]


# --- ztunnel-skips-nodes ------------------------------------------------------------------

def ambient(selector: str, dataplane: str = "ambient") -> str:
    return ("istio: {profile: ambient}\ncni: {enabled: true}\n"
            f"ztunnel:\n  enabled: true\n  placement: {{nodeSelector: {selector}}}\n"
            f"namespaces:\n- {{name: storefront, dataplane: {dataplane}}}\n")


def test_ztunnel_kept_to_some_nodes_with_ambient_namespaces_is_a_warning() -> None:
    [f] = ztunnel_skips_nodes(config_from(ambient("{pool: mesh}")))
    assert (f.rule, f.path, f.severity) == ("ztunnel-skips-nodes", "ztunnel.placement.nodeSelector", "warning")
    assert f.message.startswith("keeps ztunnel to nodes labelled pool=mesh: ")


def test_ztunnel_on_every_node_is_accepted() -> None:
    assert found(ztunnel_skips_nodes, ambient("{}")) == []


def test_ztunnel_kept_to_some_nodes_without_ambient_namespaces_serves_no_pod() -> None:
    assert found(ztunnel_skips_nodes, ambient("{pool: mesh}", dataplane="sidecar")) == []

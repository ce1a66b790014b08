"""Production rules for where the mesh's own pods run and how they are replaced.

A placement the API server accepts can still be unwise: a control plane that
the scheduler preempts like any batch job, a toleration that lets istiod onto
every tainted node (so the dedicated pool is not dedicated), a rollout that may
take every replica down at once, or a node agent that no longer runs on the
tainted nodes its workloads run on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.placement import Placement, Tolerations, allows_all
from istio_mesh.lint.rules import Finding, finding, istiods, production

Path = tuple[str | int, ...]


def _workloads(config: MeshConfig) -> list[tuple[Path, str, Placement, int, bool]]:
    """(path, what, placement, replicas, priority class set in extraValues) of
    every istiod and every gateway."""
    out: list[tuple[Path, str, Placement, int, bool]] = [
        (path, "istiod", istiod.placement, istiod.replicas,
         _nested(istiod.extra_values, "global", "priorityClassName"))
        for path, istiod in istiods(config)
    ]
    out.extend(
        (("gateways", i), f"gateway {g.name!a}", g.placement, g.replicas,
         _nested(g.extra_values, "priorityClassName"))
        for i, g in enumerate(config.gateways)
        if g.api == "chart"  # Istio itself places a gateway-api gateway's pods
    )
    return out


def _nested(values: Mapping[str, Any], *keys: str) -> bool:
    node: Any = values
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            return False
        node = node[key]
    return bool(node)


def no_priority_class(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for path, what, placement, _, in_extra_values in _workloads(config):
        if placement.priority_class_name is None and not in_extra_values:
            yield finding("prod-no-priority-class", (*path, "placement", "priorityClassName"),
                          f"is not set for {what} in a production mesh: under node pressure "
                          f"the scheduler preempts and evicts its pods like any other "
                          f"workload's",
                          "set it to system-cluster-critical or the cluster's own class for "
                          "the mesh (docs/placement.md)")


def tolerates_every_taint(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for path, what, placement, _, _ in _workloads(config):
        for i, toleration in enumerate(placement.tolerations):
            # A PreferNoSchedule taint only steers the scheduler; tolerating
            # all of them keeps no pod anywhere it should not be.
            if toleration.tolerates_everything and toleration.effect != "PreferNoSchedule":
                effect = f" of effect {toleration.effect}" if toleration.effect else ""
                yield finding("prod-tolerates-every-taint",
                              (*path, "placement", "tolerations", i),
                              f"lets {what} onto nodes with any taint{effect}: nodes being "
                              f"drained or kept for other workloads, so no node pool is "
                              f"its own",
                              "name the taint of the pool meant, e.g. {key: dedicated, "
                              "value: istio-system, effect: NoSchedule}")


def _node_agents(config: MeshConfig) -> list[tuple[Path, str, Tolerations | None]]:
    out: list[tuple[Path, str, Tolerations | None]] = []
    if config.cni.enabled:
        out.append((("cni",), "the CNI agent", config.cni.placement.tolerations))
    if config.ztunnel.enabled:
        out.append((("ztunnel",), "ztunnel", config.ztunnel.placement.tolerations))
    return out


def rollout_all_unavailable(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for path, what, placement, replicas, _ in _workloads(config):
        rollout = placement.rollout
        if rollout is not None and allows_all(rollout.max_unavailable, replicas):
            yield finding("prod-rollout-all-unavailable",
                          (*path, "placement", "rollout", "maxUnavailable"),
                          f"is {rollout.max_unavailable!a} with {replicas} replica(s): a "
                          f"rollout may stop every {what} pod before a new one is ready",
                          "use maxUnavailable: 0 with maxSurge: 1, or fewer than the replicas")
    # A DaemonSet's count is the number of nodes, which the config does not
    # know: only a share of all of them is certain to be every node.
    agents: list[tuple[Path, str, int | str]] = []
    if config.cni.enabled and config.cni.placement.rollout is not None:
        agents.append((("cni",), "the CNI agent", config.cni.placement.rollout.max_unavailable))
    if config.ztunnel.enabled and config.ztunnel.placement.rollout is not None:
        agents.append((("ztunnel",), "ztunnel", config.ztunnel.placement.rollout.max_unavailable))
    for path, what, amount in agents:
        if amount == "100%":
            yield _daemonset_down(path, what, amount)


def _daemonset_down(path: Path, what: str, amount: int | str) -> Finding:
    return finding("prod-rollout-all-unavailable",
                   (*path, "placement", "rollout", "maxUnavailable"),
                   f"is {amount!a}: a rollout may restart {what} on every node at once, "
                   f"interrupting the mesh traffic of the whole cluster",
                   "use a small share of the nodes, e.g. 1 or '10%'")


def node_agent_skips_tainted_nodes(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for path, what, tolerations in _node_agents(config):
        if tolerations is None:
            continue
        effects = {t.effect for t in tolerations if t.tolerates_everything}
        if None in effects or {"NoSchedule", "NoExecute"} <= effects:
            continue
        yield finding("prod-node-agent-skips-tainted-nodes",
                      (*path, "placement", "tolerations"),
                      f"replace the chart's tolerate-everything list, so {what} stays off "
                      f"tainted nodes while workloads that tolerate the taint still run "
                      f"there, outside the mesh's traffic handling",
                      "keep {operator: Exists, effect: NoSchedule} and {operator: Exists, "
                      "effect: NoExecute} in the list, or leave tolerations unset")


PLACEMENT_CHECKS = (
    no_priority_class, tolerates_every_taint, rollout_all_unavailable,
    node_agent_skips_tainted_nodes,
)

"""Rules for scheduling constraints that can never be met, or that leave
nodes without the mesh's data plane: the scheduler accepts the pods and
keeps them Pending, or runs workloads where no ztunnel serves them.

Which nodes a cluster has is not in the config; these rules find what no
cluster can satisfy (Linux-only images on Windows nodes, a tainted role
without its toleration, one node for several replicas that must not share
one) and what depends on a label being present.
"""

from __future__ import annotations

from collections.abc import Iterator

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.scaling import Spread
from istio_mesh.config.placement import Placement, Tolerations
from istio_mesh.lint.placement import Path
from istio_mesh.lint.rules import Finding, finding, istiods

OS_LABEL = "kubernetes.io/os"
HOSTNAME_LABEL = "kubernetes.io/hostname"
# Labels of control-plane nodes, which kubeadm and most distributions taint
# NoSchedule under the same key.
CONTROL_PLANE_LABELS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")
WELL_KNOWN_TOPOLOGY_KEYS = frozenset({
    HOSTNAME_LABEL, "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
})


def _tolerates(tolerations: Tolerations, key: str) -> bool:
    return any((t.key == key or t.tolerates_everything) and t.effect in (None, "NoSchedule")
               for t in tolerations)


def _deployments(config: MeshConfig) -> list[tuple[Path, str, Placement, Spread, int]]:
    out = [(path, "istiod", i.placement, i.spread, i.replicas) for path, i in istiods(config)]
    out += [(("gateways", i), f"gateway {g.name!a}", g.placement, g.spread, g.replicas)
            for i, g in enumerate(config.gateways) if g.api == "chart"]
    return out


def _never(path: Path, what: str, reason: str, fix: str) -> Finding:
    return finding("placement-never-schedules", path,
                   f"{reason}: {what}'s pods stay Pending (or never start), and nothing "
                   f"reports it until a rollout times out", fix)


def placement_never_schedules(config: MeshConfig) -> Iterator[Finding]:
    # None: the chart's own tolerations (ztunnel's tolerate every taint).
    nodes: list[tuple[Path, str, dict[str, str], Tolerations | None]] = [
        ((*path, "placement"), what, placement.node_selector, placement.tolerations)
        for path, what, placement, _, _ in _deployments(config)
    ]
    if config.ztunnel.enabled:
        nodes.append((("ztunnel", "placement"), "ztunnel", config.ztunnel.placement.node_selector,
                       config.ztunnel.placement.tolerations))
    for path, what, selector, tolerations in nodes:
        os_name = selector.get(OS_LABEL)
        if os_name is not None and os_name != "linux":
            yield _never((*path, "nodeSelector", OS_LABEL),
                         what, f"selects {os_name!a} nodes, but Istio publishes Linux images only",
                         f"remove {OS_LABEL} from nodeSelector (or set it to linux)")
        for label in CONTROL_PLANE_LABELS:
            if label in selector and tolerations is not None and not _tolerates(tolerations, label):
                yield _never((*path, "nodeSelector", label), what,
                             f"selects control-plane nodes, which carry the taint {label}:"
                             f"NoSchedule, and no toleration matches it",
                             f"add {{key: {label}, operator: Exists, effect: NoSchedule}} to "
                             f"tolerations, or select other nodes")
    for path, what, placement, spread, replicas in _deployments(config):
        if (spread.anti_affinity == "required" and HOSTNAME_LABEL in placement.node_selector
                and replicas > 1):
            yield _never((*path, "spread", "antiAffinity"), what,
                         f"is required with {replicas} replicas, but nodeSelector pins them to "
                         f"node {placement.node_selector[HOSTNAME_LABEL]!a} and required "
                         f"anti-affinity allows one per node: {replicas - 1} of them",
                         "select a pool of nodes (a node-pool label), or use antiAffinity: "
                         "preferred")


def spread_unknown_topology_key(config: MeshConfig) -> Iterator[Finding]:
    for path, what, _, spread, _ in _deployments(config):
        key = spread.topology_key
        if key and spread.when_unsatisfiable == "DoNotSchedule" and key not in WELL_KNOWN_TOPOLOGY_KEYS:
            yield finding("spread-unknown-topology-key", (*path, "spread", "topologyKey"),
                          f"is {key!a}, not a label Kubernetes sets on every node, with "
                          f"DoNotSchedule: nodes without it cannot take {what}'s pods, so if "
                          f"none has it (a typo, a deprecated label) every pod stays Pending",
                          "use topology.kubernetes.io/zone or kubernetes.io/hostname, or "
                          "whenUnsatisfiable: ScheduleAnyway")


def ztunnel_skips_nodes(config: MeshConfig) -> Iterator[Finding]:
    selector = config.ztunnel.placement.node_selector
    ambient = any(ns.dataplane == "ambient" for ns in config.namespaces)
    if config.ztunnel.enabled and selector and ambient:
        labels = ", ".join(f"{k}={v}" for k, v in sorted(selector.items()))
        yield finding("ztunnel-skips-nodes", ("ztunnel", "placement", "nodeSelector"),
                      f"keeps ztunnel to nodes labelled {labels}: ambient pods the scheduler "
                      f"puts on any other node get no mesh traffic (no mTLS, no policy, "
                      f"connections fail)",
                      "remove it, or keep the ambient namespaces' pods on those nodes with their "
                      "own nodeSelector and waive this finding with that reason")


SCHEDULING_CHECKS = (placement_never_schedules, spread_unknown_topology_key, ztunnel_skips_nodes)

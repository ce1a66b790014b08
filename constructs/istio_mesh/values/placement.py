"""Chart values for placement: priority class, node selector, tolerations and
rollout strategy, under the key each pinned chart actually reads.

Read from the 1.30.3 templates (third_party/istio/1.30.3/<chart>/templates),
not guessed from the option names, because the charts disagree:

- istiod: ``global.priorityClassName``, ``nodeSelector``, ``tolerations``,
  ``rollingMaxSurge`` and ``rollingMaxUnavailable``;
- gateway: ``priorityClassName``, ``nodeSelector``, ``tolerations``, ``strategy``;
- ztunnel: ``nodeSelector``, ``tolerations``, ``updateStrategy`` (the priority
  class is fixed at system-node-critical);
- cni: ``tolerations``, ``updateStrategy`` (priority class and node selector
  are fixed).

Only what the config sets is written, so an unplaced component keeps the
chart's defaults. Callers merge the result before ``extraValues``, which
therefore wins over it.
"""

from __future__ import annotations

from typing import Any

from istio_mesh.config.placement import CniPlacement, Placement, Tolerations, ZtunnelPlacement


def _tolerations(tolerations: Tolerations) -> list[dict[str, Any]]:
    return [t.to_values() for t in tolerations]


def _selector_and_tolerations(node_selector: dict[str, str],
                              tolerations: Tolerations | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if node_selector:
        out["nodeSelector"] = dict(node_selector)
    if tolerations:
        out["tolerations"] = _tolerations(tolerations)
    return out


def istiod_placement(placement: Placement) -> dict[str, Any]:
    """istiod's deployment.yaml reads the priority class from ``global`` and the
    rollout from two flat keys; it always adds a toleration for the CNI's
    ``cni.istio.io/not-ready`` taint before these."""
    out = _selector_and_tolerations(placement.node_selector, placement.tolerations)
    if placement.priority_class_name:
        out["global"] = {"priorityClassName": placement.priority_class_name}
    if placement.rollout is not None:
        out["rollingMaxSurge"] = placement.rollout.max_surge
        out["rollingMaxUnavailable"] = placement.rollout.max_unavailable
    return out


def _rolling_update_strategy(rolling_update: dict[str, int | str]) -> dict[str, Any]:
    """A Deployment's ``strategy`` or a DaemonSet's ``updateStrategy``: both
    charts copy it into the workload as it is."""
    return {"type": "RollingUpdate", "rollingUpdate": rolling_update}


def gateway_placement(placement: Placement) -> dict[str, Any]:
    """The gateway chart copies ``strategy`` into the Deployment as it is."""
    out = _selector_and_tolerations(placement.node_selector, placement.tolerations)
    if placement.priority_class_name:
        out["priorityClassName"] = placement.priority_class_name
    if placement.rollout is not None:
        out["strategy"] = _rolling_update_strategy(placement.rollout.rolling_update())
    return out


def ztunnel_placement(placement: ZtunnelPlacement) -> dict[str, Any]:
    """An empty tolerations list is written as given: it means "none", which
    the chart would otherwise read as "keep the default list"."""
    out = _selector_and_tolerations(placement.node_selector, None)
    if placement.tolerations is not None:
        out["tolerations"] = _tolerations(placement.tolerations)
    if placement.rollout is not None:
        out["updateStrategy"] = _rolling_update_strategy(placement.rollout.rolling_update())
    return out


def cni_placement(placement: CniPlacement) -> dict[str, Any]:
    """The CNI chart reads no node selector or priority class (both fixed)."""
    out: dict[str, Any] = {}
    if placement.tolerations is not None:
        out["tolerations"] = _tolerations(placement.tolerations)
    if placement.rollout is not None:
        out["updateStrategy"] = _rolling_update_strategy(placement.rollout.rolling_update())
    return out

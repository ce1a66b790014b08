"""How many replicas a component runs and where they are placed; shared by
istiod and the gateways."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from istio_mesh.config.base import MeshModel
from istio_mesh.config.errors import RuleViolation


class Autoscaling(MeshModel):
    """A HorizontalPodAutoscaler whose floor is the component's ``replicas``."""

    enabled: bool = Field(
        default=True,
        description="Scale between replicas and maxReplicas on CPU; off: exactly replicas pods.",
    )
    max_replicas: int = Field(
        default=5, ge=1, le=100, description="Autoscaler ceiling; at least replicas."
    )


class Spread(MeshModel):
    """Keep replicas apart so that one node or zone going down leaves the rest running."""

    anti_affinity: Literal["none", "preferred", "required"] = Field(
        default="none",
        description="Pod anti-affinity across nodes (kubernetes.io/hostname).",
    )
    topology_key: str | None = Field(
        default=None,
        description="Spread replicas evenly across this node label, e.g. 'topology.kubernetes.io/zone'.",
    )
    when_unsatisfiable: Literal["ScheduleAnyway", "DoNotSchedule"] = Field(
        default="ScheduleAnyway",
        description="What the topology spread does when it cannot be met.",
    )


def check_ceiling(replicas: int, autoscaling: Autoscaling) -> None:
    """The autoscaler ceiling is at least the floor."""
    if autoscaling.enabled and autoscaling.max_replicas < replicas:
        raise RuleViolation(
            ("autoscaling", "maxReplicas"),
            f"{autoscaling.max_replicas} is below replicas ({replicas}); "
            f"the autoscaler ceiling must be at least the floor",
        )

"""Where a component's pods run and how they are replaced: priority class,
node selector, tolerations and rollout strategy.

One model per shape of workload, because the pinned charts do not all read
the same values (third_party/istio/1.30.3/*/templates):

- istiod and the gateways are Deployments: every field is settable.
- ztunnel is a DaemonSet whose chart hard-codes ``priorityClassName:
  system-node-critical`` and always selects ``kubernetes.io/os: linux``; it
  reads a node selector, tolerations and ``updateStrategy``.
- the CNI agent is a DaemonSet whose chart hard-codes both the priority class
  and the node selector; it reads tolerations and ``updateStrategy``, whose
  default only sets ``maxUnavailable`` (two CNI agents on one node would race
  over the node's CNI configuration, so it is never surged).

Values built from these are deep-merged under ``extraValues``, so a key set
in both places takes the ``extraValues`` one; ``spread`` writes ``affinity``
and ``topologySpreadConstraints``, which are different keys, and a node has to
satisfy both the node selector and the affinity.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from istio_mesh.config import names
from istio_mesh.config.base import Labels, MeshModel
from istio_mesh.config.errors import RuleViolation

LINUX_SELECTOR = "kubernetes.io/os"
"""The node label the ztunnel chart always selects on (``linux``)."""

_PERCENT = re.compile(r"[0-9]{1,9}%", re.ASCII)
"""Kubernetes' IsValidPercent (``^[0-9]+%$``), within an int32."""

_INT32_MAX = 2**31 - 1


def _rollout_amount(value: object) -> int | str:
    """A Deployment's or DaemonSet's IntOrString: a count of pods, or a share
    (Kubernetes' ValidatePositiveIntOrPercent). Upper bounds depend on the
    field and the workload kind, so they are checked by the strategy."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _INT32_MAX:
        return value
    if isinstance(value, str) and _PERCENT.fullmatch(value):
        return value
    raise ValueError(
        "must be a number of pods (0 or more) or a percentage, e.g. 1 or '25%'"
    )


def _percent(amount: int | str) -> int | None:
    return int(amount[:-1]) if isinstance(amount, str) else None


def _over_100_percent(amount: int | str) -> bool:
    """Kubernetes' IsNotMoreThan100Percent, broken."""
    share = _percent(amount)
    return share is not None and share > 100


RolloutAmount = Annotated[int | str, BeforeValidator(_rollout_amount)]
"""``maxSurge`` or ``maxUnavailable``: a whole number of pods or a quoted percentage."""


def is_zero(amount: int | str) -> bool:
    """0 pods or 0 %: the rollout may not use this allowance at all."""
    return amount == 0 or _percent(amount) == 0


def allows_all(amount: int | str, replicas: int) -> bool:
    """Whether ``amount`` lets every one of ``replicas`` pods be down at once.
    Kubernetes rounds a maxUnavailable percentage down, so only 100 % does."""
    share = _percent(amount)
    if share is not None:
        return share >= 100
    return int(amount) >= replicas


def _priority_class(value: str) -> str:
    if not names.is_dns_subdomain(value):
        raise ValueError(
            "must be the name of a PriorityClass: a DNS-1123 subdomain of lowercase "
            "letters, digits, '-' and '.', at most 253 characters, e.g. "
            "'system-cluster-critical'"
        )
    return value


PriorityClassName = Annotated[str, Field(strict=True), AfterValidator(_priority_class)]


class Toleration(MeshModel):
    """A Kubernetes toleration: lets pods onto nodes with a matching taint."""

    key: str | None = Field(
        default=None,
        strict=True,
        description=(
            "Taint key, e.g. 'dedicated'. Unset with operator Exists: every taint "
            "(the linter flags that for istiod and gateways in production)."
        ),
    )
    operator: Literal["Exists", "Equal"] = Field(
        default="Equal",
        description="Equal: the taint's value must be value; Exists: any value.",
    )
    value: str | None = Field(
        default=None, strict=True, description="Taint value, with operator Equal."
    )
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = Field(
        default=None, description="Taint effect to tolerate. Unset: every effect."
    )
    toleration_seconds: int | None = Field(
        default=None,
        ge=0,
        strict=True,
        description=(
            "With effect NoExecute: how long pods stay on a node after the taint "
            "appears. Unset: for ever."
        ),
    )

    @model_validator(mode="after")
    def _consistent(self) -> Toleration:
        if self.key is not None:
            problem = names.label_key_problem(self.key)
            if problem:
                raise RuleViolation(("key",), f"taint key {names.shown(self.key)}: {problem}")
        if self.value is not None:
            problem = names.label_value_problem(self.value)
            if problem:
                raise RuleViolation(("value",), f"got {names.shown(self.value)}; {problem}")
        if self.operator == "Exists" and self.value is not None:
            raise RuleViolation(
                ("value",),
                f"got {names.shown(self.value)} with operator Exists, which matches any "
                f"value; remove value or use operator Equal",
            )
        if self.operator == "Equal" and self.key is None:
            raise RuleViolation(
                ("key",),
                "is required with operator Equal; to tolerate every taint, use operator "
                "Exists without a key",
            )
        if self.toleration_seconds is not None and self.effect != "NoExecute":
            raise RuleViolation(
                ("tolerationSeconds",),
                f"applies only to effect NoExecute, not {names.shown(self.effect)}; "
                f"set effect: NoExecute or remove tolerationSeconds",
            )
        return self

    @property
    def tolerates_everything(self) -> bool:
        """``operator: Exists`` without a key matches every taint of that effect."""
        return self.operator == "Exists" and self.key is None

    def to_values(self) -> dict[str, Any]:
        """The Kubernetes toleration, with only the fields that are set."""
        out: dict[str, Any] = {"operator": self.operator}
        if self.key is not None:
            out["key"] = self.key
        if self.value is not None:
            out["value"] = self.value
        if self.effect is not None:
            out["effect"] = self.effect
        if self.toleration_seconds is not None:
            out["tolerationSeconds"] = self.toleration_seconds
        return out


Tolerations = tuple[Toleration, ...]


class Rollout(MeshModel):
    """A Deployment's RollingUpdate strategy: pods added and pods missing while
    a rollout runs, as Kubernetes' ValidateRollingUpdateDeployment allows them:
    maxUnavailable at most 100%, maxSurge any share (200% surges two pods for
    each), not both 0.

    Both are given, so that no half of it silently comes from a chart default.
    """

    max_surge: RolloutAmount = Field(
        description="Pods above the desired count during a rollout, e.g. 1, '25%' or '200%'."
    )
    max_unavailable: RolloutAmount = Field(
        description="Pods that may be unavailable during a rollout, e.g. 0 or '25%' (at most '100%')."
    )

    @model_validator(mode="after")
    def _can_progress(self) -> Rollout:
        if _over_100_percent(self.max_unavailable):
            raise RuleViolation(
                ("maxUnavailable",),
                f"got {self.max_unavailable!a}; Kubernetes allows at most '100%'",
            )
        if is_zero(self.max_surge) and is_zero(self.max_unavailable):
            raise RuleViolation(
                ("maxUnavailable",),
                "is 0 and so is maxSurge: no pod could ever be replaced; allow at least "
                "one of them",
            )
        return self

    def rolling_update(self) -> dict[str, int | str]:
        """The ``rollingUpdate`` block of a Deployment or DaemonSet."""
        return {"maxSurge": self.max_surge, "maxUnavailable": self.max_unavailable}


class DaemonSetRollout(Rollout):
    """A DaemonSet's RollingUpdate strategy, as Kubernetes'
    ValidateRollingUpdateDaemonSet allows it: each at most 100%, and exactly
    one of them above 0 (a node's pod is either surged or taken down first)."""

    @model_validator(mode="after")
    def _one_of_them(self) -> DaemonSetRollout:
        if _over_100_percent(self.max_surge):
            raise RuleViolation(
                ("maxSurge",), f"got {self.max_surge!a}; a DaemonSet allows at most '100%'"
            )
        if not is_zero(self.max_surge) and not is_zero(self.max_unavailable):
            raise RuleViolation(
                ("maxSurge",),
                f"got {self.max_surge!a} with maxUnavailable {self.max_unavailable!a}; a "
                f"DaemonSet either surges or takes pods down, so one of them must be 0 "
                f"(e.g. maxSurge 1 with maxUnavailable 0)",
            )
        return self


class CniRollout(MeshModel):
    """The CNI DaemonSet's RollingUpdate: agents are replaced in place, never surged."""

    max_unavailable: RolloutAmount = Field(
        description="Nodes whose CNI agent may be restarting at once, e.g. 1 or '10%'."
    )

    @model_validator(mode="after")
    def _can_progress(self) -> CniRollout:
        if _over_100_percent(self.max_unavailable):
            raise RuleViolation(
                ("maxUnavailable",),
                f"got {self.max_unavailable!a}; Kubernetes allows at most '100%'",
            )
        if is_zero(self.max_unavailable):
            raise RuleViolation(
                ("maxUnavailable",),
                f"is {self.max_unavailable!a}: the CNI agent is never surged, so no agent "
                f"could ever be replaced; use at least 1",
            )
        return self

    def rolling_update(self) -> dict[str, int | str]:
        """The ``rollingUpdate`` block of the CNI DaemonSet."""
        return {"maxUnavailable": self.max_unavailable}


class Placement(MeshModel):
    """Where istiod's or a gateway's pods run, and how a Deployment rollout goes."""

    priority_class_name: PriorityClassName | None = Field(
        default=None,
        description=(
            "PriorityClass of the pods, e.g. 'system-cluster-critical', so that the "
            "scheduler evicts other pods before them. Unset: none (priority 0)."
        ),
    )
    node_selector: Labels = Field(
        default_factory=dict,
        description="Node labels the pods require, e.g. {node-pool: istio-system}.",
    )
    tolerations: Tolerations = Field(
        default=(),
        description="Taints the pods tolerate, e.g. the taint of a dedicated node pool.",
    )
    rollout: Rollout | None = Field(
        default=None,
        description=(
            "Rolling update of the Deployment. Unset: the chart's (istiod: maxSurge "
            "100%, maxUnavailable 25%; gateways: Kubernetes' 25%/25%)."
        ),
    )


class ZtunnelPlacement(MeshModel):
    """Where ztunnel runs; its chart fixes the priority class and selects Linux nodes.

    The priority class is system-node-critical, whatever the values say.
    """

    node_selector: Labels = Field(
        default_factory=dict,
        description=(
            "Node labels ztunnel requires besides kubernetes.io/os: linux. Ambient pods "
            "on nodes left out get no traffic."
        ),
    )
    tolerations: Tolerations | None = Field(
        default=None,
        description=(
            "Taints ztunnel tolerates; replaces the chart's list. Unset: the chart's, "
            "which tolerates every taint so that every node gets a ztunnel."
        ),
    )
    rollout: DaemonSetRollout | None = Field(
        default=None,
        description=(
            "Rolling update of the DaemonSet: one of maxSurge and maxUnavailable above 0. "
            "Unset: the chart's (maxSurge 1, maxUnavailable 0)."
        ),
    )

    @model_validator(mode="after")
    def _no_os_selector(self) -> ZtunnelPlacement:
        if LINUX_SELECTOR in self.node_selector:
            raise RuleViolation(
                ("nodeSelector", LINUX_SELECTOR),
                f"the ztunnel chart always sets {LINUX_SELECTOR}: linux, and a second "
                f"entry would make its pod spec invalid; remove it",
            )
        return self


class CniPlacement(MeshModel):
    """Where the CNI agent runs; its chart fixes the priority class and node selector.

    They are system-node-critical and kubernetes.io/os: linux, whatever the
    values say.
    """

    tolerations: Tolerations | None = Field(
        default=None,
        description=(
            "Taints the CNI agent tolerates; replaces the chart's list. Unset: the "
            "chart's, which tolerates every taint so that every node gets the agent."
        ),
    )
    rollout: CniRollout | None = Field(
        default=None,
        description="Rolling update of the DaemonSet. Unset: the chart's (maxUnavailable 1).",
    )

"""The control plane: one istiod, or several revisions side by side."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from istio_mesh.config.base import DnsLabel, MeshModel, Resources
from istio_mesh.config.istio import supported_version
from istio_mesh.config.placement import Placement
from istio_mesh.config.scaling import Autoscaling, Spread, check_ceiling


class IstiodSettings(MeshModel):
    """The control plane (istiod chart)."""

    replicas: int = Field(
        default=1,
        ge=1,
        le=20,
        description="istiod pods that always run (the autoscaler floor when autoscaling).",
    )
    autoscaling: Autoscaling = Field(
        default_factory=Autoscaling, description="Autoscaling above replicas."
    )
    resources: Resources | None = Field(
        default=None,
        description="istiod container resources. Unset: the chart's (500m CPU, 2Gi memory requested).",
    )
    spread: Spread = Field(default_factory=Spread, description="Replica placement.")
    placement: Placement = Field(
        default_factory=Placement,
        description=(
            "Priority class, node selector, tolerations and rollout strategy of istiod's "
            "pods (docs/placement.md)."
        ),
    )
    extra_values: dict[str, Any] = Field(
        default_factory=dict,
        description="Escape hatch: istiod chart values deep-merged over the generated ones.",
    )

    @model_validator(mode="after")
    def _ceiling_above_floor(self) -> IstiodSettings:
        check_ceiling(self.replicas, self.autoscaling)
        return self


class RevisionSettings(IstiodSettings):
    """One istiod revision installed beside others, for canary upgrades.

    Each revision is its own Helm release (``istiod-<name>``) at its own
    version, with its own replicas and resources. The name ``default`` is the
    un-revisioned istiod (release ``istiod``), so an existing install can be
    listed as a revision and upgraded without being reinstalled.
    """

    name: DnsLabel = Field(
        description="Revision name, e.g. '1-30-3'; 'default' is the un-revisioned istiod."
    )
    version: str | None = Field(
        default=None,
        strict=True,
        description="Istio release of this revision (quote it). Unset: istio.version.",
    )

    @field_validator("version")
    @classmethod
    def _supported_version(cls, value: str | None) -> str | None:
        return None if value is None else supported_version(value)

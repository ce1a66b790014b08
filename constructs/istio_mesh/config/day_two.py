"""Day-two settings: retiring a revision, and the post-apply health checks.

A revision removed from ``revisions`` is named in ``retiredRevisions`` for
the apply that removes it. That entry is what keeps a guard in the
Terraform configuration at the removal step: the istiod release itself is
gone from the config then, and Terraform evaluates no condition of a
resource that has no config (see docs/day-two.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from istio_mesh.config.base import DnsLabel, MeshModel
from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.errors import RuleViolation

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig

MIN_REASON_LENGTH = 10
"""An override's reason is read by whoever reviews the change: a word is not one."""


class InUseOverride(MeshModel):
    """Remove the revision even though something still uses it, and say why."""

    reason: str = Field(
        description=(
            "Why the release may go while namespaces, pods or tags still point at it "
            "(at least 10 characters; reviewed with the change)."
        ),
    )

    @field_validator("reason")
    @classmethod
    def _a_real_reason(cls, value: str) -> str:
        if len(value.strip()) < MIN_REASON_LENGTH:
            # The error text names the value given ("got ..."), as for every field.
            raise ValueError(f"say why in at least {MIN_REASON_LENGTH} characters")
        return value.strip()


class RetiredRevision(MeshModel):
    """A revision this apply removes: its istiod release is destroyed only
    when nothing in the cluster still points at it."""

    name: DnsLabel = Field(description="The revision removed from revisions (e.g. 1-29-6, or default).")
    allow_in_use: InUseOverride | None = Field(
        default=None,
        description=(
            "Skip the in-use refusal for this revision, with a reason. Unset: the plan fails "
            "while a namespace, pod or revision tag still uses the revision."
        ),
    )

    @property
    def release_name(self) -> str:
        """The istiod release of the revision, named as :class:`ControlPlane` names it."""
        return "istiod" if self.name == "default" else f"istiod-{self.name}"


class HealthCheckSettings(MeshModel):
    """Terraform ``check`` blocks that read the mesh's live state on every plan and apply."""

    enabled: bool = Field(
        default=True,
        description=(
            "Emit the health checks (istiod ready, webhooks, CNI and ztunnel DaemonSets, "
            "gateway addresses, data-plane skew). They list Deployments, DaemonSets, webhooks, "
            "Services and Pods: turn off where Terraform's identity may not list them."
        ),
    )


def check_retired_revisions(config: MeshConfig) -> None:
    """A retired revision is not installed, not a tag, and listed once."""
    installed = {plane.revision for plane in control_planes(config)}
    seen: list[str] = []
    for i, retired in enumerate(config.retired_revisions):
        if retired.name in installed:
            raise RuleViolation(
                ("retiredRevisions", i, "name"),
                f"got {retired.name!a}; it is still in revisions (or is the un-revisioned "
                "istiod): remove it from there to retire it",
            )
        if retired.name in config.revision_tags:
            raise RuleViolation(
                ("retiredRevisions", i, "name"),
                f"got {retired.name!a}; that is a revision tag, not a revision",
            )
        if retired.name in seen:
            raise RuleViolation(
                ("retiredRevisions", i, "name"),
                f"{retired.name!a} is listed more than once",
            )
        seen.append(retired.name)

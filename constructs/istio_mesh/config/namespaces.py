"""Application namespaces onboarded to the mesh, and mutual TLS per namespace."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from istio_mesh.config.base import DnsLabel, Labels, MeshModel, refuse_repeats
from istio_mesh.config.errors import RuleViolation

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig

# Namespaces that must never be onboarded to the mesh or get an mTLS override
# from here: injecting sidecars into the control plane's own pods breaks it.
RESERVED_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})

# Namespace labels that select a data plane; this stack owns them, so that
# istio-injection and istio.io/rev can never both be set on one namespace.
MANAGED_NAMESPACE_LABELS = frozenset({
    "istio-injection", "istio.io/rev", "istio.io/dataplane-mode", "istio.io/use-waypoint",
})


class MtlsMode(str, Enum):
    """PeerAuthentication modes Istio accepts (security.istio.io/v1)."""

    STRICT = "STRICT"
    PERMISSIVE = "PERMISSIVE"
    DISABLE = "DISABLE"


class MtlsSettings(MeshModel):
    """Mutual TLS between workloads (PeerAuthentication)."""

    mode: MtlsMode = Field(
        default=MtlsMode.PERMISSIVE,
        description="Mesh-wide mode. PERMISSIVE accepts plain text too; STRICT refuses it.",
    )
    namespace_overrides: dict[DnsLabel, MtlsMode] = Field(
        default_factory=dict,
        description="Per-namespace modes that differ from the mesh-wide one.",
    )


class NamespaceSettings(MeshModel):
    """An application namespace onboarded to the mesh."""

    name: DnsLabel = Field(description="Namespace name.")
    create: bool = Field(
        default=False,
        description=(
            "Create the namespace (and delete it, with everything in it, on destroy). "
            "False: label a namespace that already exists and leave it on destroy."
        ),
    )
    dataplane: Literal["sidecar", "ambient"] = Field(
        default="sidecar",
        description=(
            "sidecar: injected proxies (istio-injection or istio.io/rev); ambient: enrolled "
            "with istio.io/dataplane-mode=ambient and no sidecar label (needs istio.profile: ambient)."
        ),
    )
    injection: bool = Field(
        default=True,
        description=(
            "Sidecar injection (dataplane: sidecar only): istio-injection=enabled, "
            "or =disabled when false."
        ),
    )
    revision: DnsLabel | None = Field(
        default=None,
        description=(
            "Inject from this istiod revision or revision tag: sets istio.io/rev=<name> "
            "instead of istio-injection. Unset: the default revision."
        ),
    )
    waypoint: bool = Field(
        default=False,
        description=(
            "Ambient only: deploy a waypoint proxy (Gateway 'waypoint', class istio-waypoint) "
            "for L7 policy and label the namespace istio.io/use-waypoint=waypoint. "
            "Needs the Kubernetes Gateway API CRDs installed in the cluster."
        ),
    )
    labels: Labels = Field(
        default_factory=dict,
        description="Extra labels, only for namespaces this stack creates.",
    )

    @model_validator(mode="after")
    def _labels_need_create(self) -> NamespaceSettings:
        if self.labels and not self.create:
            raise RuleViolation(
                ("labels",),
                "labels are only set on namespaces this stack creates; "
                "set create: true or remove labels",
            )
        for key in sorted(MANAGED_NAMESPACE_LABELS):
            if key in self.labels:
                raise RuleViolation(
                    ("labels", key),
                    "is managed by this stack; use dataplane, injection, revision or waypoint",
                )
        if self.dataplane == "ambient":
            if "injection" in self.model_fields_set and self.injection:
                raise RuleViolation(
                    ("injection",),
                    "sidecar injection and ambient enrolment are exclusive per namespace; "
                    "remove injection or set dataplane: sidecar",
                )
            if self.revision is not None:
                raise RuleViolation(
                    ("revision",),
                    "selects a sidecar injector; ambient namespaces have no sidecars",
                )
        elif self.waypoint:
            raise RuleViolation(
                ("waypoint",), "waypoints serve ambient namespaces; set dataplane: ambient"
            )
        if self.revision is not None and not self.injection:
            raise RuleViolation(
                ("revision",), "selects a sidecar injector; it needs injection: true"
            )
        return self


def check_namespaces(config: MeshConfig) -> None:
    """Each namespace onboarded once, and never a system namespace or istiod's
    own: injecting sidecars into the control plane's pods breaks it."""
    refuse_repeats("namespaces", [n.name for n in config.namespaces])
    forbidden = RESERVED_NAMESPACES | {config.istio_namespace}
    for i, ns in enumerate(config.namespaces):
        if ns.name in forbidden:
            raise RuleViolation(
                ("namespaces", i, "name"),
                f"{ns.name!a} runs system or control-plane pods and cannot be "
                f"onboarded; allowed: application namespaces",
            )
    for name in config.mtls.namespace_overrides:
        if name in forbidden:
            raise RuleViolation(
                ("mtls", "namespaceOverrides", name),
                f"{name!a} is a system namespace; the mesh-wide mode is mtls.mode",
            )

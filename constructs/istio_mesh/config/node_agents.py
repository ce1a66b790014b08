"""The per-node agents: the CNI plug-in and ztunnel, the data plane of
ambient mode."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from istio_mesh.config.base import DnsLabel, MeshModel, Resources
from istio_mesh.config.placement import CniPlacement, ZtunnelPlacement


class CniSettings(MeshModel):
    """The Istio CNI node agent (cni chart), which replaces the privileged istio-init container."""

    enabled: bool = Field(default=False, description="Install the CNI node agent.")
    namespace: DnsLabel = Field(
        default="kube-system",
        description=(
            "Namespace of the CNI DaemonSet. kube-system, as Istio recommends: its pods "
            "use the system-node-critical priority class, which clusters often allow only there."
        ),
    )
    resources: Resources | None = Field(
        default=None, description="CNI agent resources. Unset: the chart's."
    )
    placement: CniPlacement = Field(
        default_factory=CniPlacement,
        description="Tolerations and rollout strategy of the CNI DaemonSet (docs/placement.md).",
    )
    extra_values: dict[str, Any] = Field(
        default_factory=dict,
        description="Escape hatch: cni chart values deep-merged over the generated ones.",
    )


class ZtunnelSettings(MeshModel):
    """The ztunnel node proxy (ztunnel chart), the data plane of ambient mode."""

    enabled: bool = Field(
        default=False, description="Install ztunnel; needs istio.profile: ambient."
    )
    resources: Resources | None = Field(
        default=None, description="ztunnel container resources. Unset: the chart's."
    )
    placement: ZtunnelPlacement = Field(
        default_factory=ZtunnelPlacement,
        description=(
            "Node selector, tolerations and rollout strategy of the ztunnel DaemonSet "
            "(docs/placement.md)."
        ),
    )
    extra_values: dict[str, Any] = Field(
        default_factory=dict,
        description="Escape hatch: ztunnel chart values deep-merged over the generated ones.",
    )

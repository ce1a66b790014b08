"""Sidecar scoping: a default Sidecar resource per onboarded namespace that
limits which services its proxies learn about.

Without it istiod pushes every service of the mesh to every proxy; scoping
to the namespace itself and the root namespace (plus what is listed) cuts
proxy memory and push time, and makes cross-namespace calls explicit.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field, model_validator

from istio_mesh.config.base import DnsLabel, MeshModel
from istio_mesh.config.errors import RuleViolation

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig
    from istio_mesh.config.namespaces import NamespaceSettings

_EGRESS_HOST = re.compile(
    r"(\.|\*|~|[a-z0-9]([-a-z0-9]*[a-z0-9])?)/(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)",
    re.ASCII,
)


def has_sidecar_injection(namespace: NamespaceSettings) -> bool:
    """Whether the namespace's pods run sidecar proxies, and so get a Sidecar.

    The one place that decides it: ambient namespaces have no sidecars (a
    Sidecar resource there would configure nothing).
    """
    return namespace.dataplane == "sidecar" and namespace.injection


def _egress_host(value: str) -> str:
    if not _EGRESS_HOST.fullmatch(value):
        raise ValueError(
            "must be '<namespace>/<host>': namespace a name, '.', '*' or '~'; host a "
            "DNS name, '*.suffix' or '*' (e.g. 'payments/*')"
        )
    return value


EgressHost = Annotated[str, AfterValidator(_egress_host)]


class SidecarScopeSettings(MeshModel):
    """Default Sidecar resources (networking.istio.io/v1) for onboarded namespaces."""

    enabled: bool = Field(
        default=False,
        description=(
            "Give every onboarded namespace with sidecar injection a Sidecar named 'default' "
            "whose egress hosts are './*', '<root namespace>/*', the hosts below and the "
            "egress gateways its external services route through."
        ),
    )
    hosts: tuple[EgressHost, ...] = Field(
        default=(), description="Extra egress hosts for every namespace, e.g. 'shared/*'."
    )
    namespace_hosts: dict[DnsLabel, tuple[EgressHost, ...]] = Field(
        default_factory=dict,
        description="Extra egress hosts per namespace, e.g. {shop: ['payments/*']}.",
    )

    @model_validator(mode="after")
    def _hosts_need_enabled(self) -> SidecarScopeSettings:
        if not self.enabled and (self.hosts or self.namespace_hosts):
            raise RuleViolation(
                ("enabled",), "is false, so hosts and namespaceHosts do nothing; set enabled: true"
            )
        return self


def check_sidecar_scope(config: MeshConfig) -> None:
    """Per-namespace hosts only for namespaces that get a Sidecar."""
    scoped = sorted(n.name for n in config.namespaces if has_sidecar_injection(n))
    for name in config.sidecar_scope.namespace_hosts:
        if name not in scoped:
            raise RuleViolation(
                ("sidecarScope", "namespaceHosts", name),
                f"{name!a} is not an onboarded namespace with sidecar injection; "
                f"allowed: {', '.join(scoped) or 'none onboarded'}",
            )

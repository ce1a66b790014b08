"""The pieces of a mesh plan: plain, frozen data, one class per kind of
Terraform object the stacks create.

Every item carries its Terraform address (part of the public contract:
renaming one moves state) and the addresses of the items it must come
after. Constructs render items; nothing here knows about cdktf, so the whole
plan is built and tested in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Component = Literal["base", "cni", "istiod", "ztunnel", "gateway", "gateway-api-crds", "kiali"]
"""The chart a release installs: one of Istio's (the gateway chart serves every
gateway), ``gateway-api-crds``, the Gateway API CRD chart this package
ships (:attr:`HelmReleaseItem.packaged`), or ``kiali``, Kiali's kiali-server
chart from Kiali's repository."""


@dataclass(frozen=True)
class Variable:
    """A sensitive, ephemeral Terraform variable a write-only secret is fed from."""

    name: str
    description: str
    validation: Mapping[str, str] | None = None
    """A ``validation`` block (condition and error message), if any."""


@dataclass(frozen=True)
class HelmReleaseItem:
    """One ``helm_release`` of an Istio chart."""

    name: str
    """Helm release name, and the Terraform resource name."""
    component: Component
    chart: str
    repository: str
    version: str
    namespace: str
    values: Mapping[str, Any]
    wait: bool
    timeout_seconds: int
    atomic: bool
    max_history: int
    prevent_destroy: bool = False
    after: tuple[str, ...] = ()
    revision: str | None = None
    """For an istiod release, the revision it serves (``default`` for the
    un-revisioned one)."""
    packaged: bool = False
    """``chart`` is a chart directory shipped in ``istio_mesh/charts/`` (no
    ``repository``): the construct copies it into the synthesized stack."""

    @property
    def address(self) -> str:
        return f"helm_release.{self.name}"


@dataclass(frozen=True)
class ManifestItem:
    """One ``kubernetes_manifest``."""

    name: str
    """Terraform resource name."""
    manifest: Mapping[str, Any]
    after: tuple[str, ...] = ()
    field_manager: str | None = None
    """Server-side apply field manager, forcing conflicts; ``None`` for the
    provider's default."""

    @property
    def address(self) -> str:
        return f"kubernetes_manifest.{self.name}"


@dataclass(frozen=True)
class NamespaceItem:
    """An onboarded namespace: created with its labels (``kubernetes_namespace_v1``)
    or, when it exists already, only labelled (``kubernetes_labels``)."""

    name: str
    """The namespace, and the Terraform resource name."""
    create: bool
    labels: Mapping[str, str]
    field_manager: str
    after: tuple[str, ...] = ()
    """Always empty: a namespace is the first thing of its stack."""

    @property
    def address(self) -> str:
        kind = "kubernetes_namespace_v1" if self.create else "kubernetes_labels"
        return f"{kind}.{self.name}"


@dataclass(frozen=True)
class NamespaceMetadataItem:
    """Labels or annotations owned on a namespace someone else created."""

    name: str
    """Terraform resource name."""
    kind: Literal["labels", "annotations"]
    namespace: str
    entries: Mapping[str, str]
    field_manager: str
    after: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return f"kubernetes_{self.kind}.{self.name}"


@dataclass(frozen=True)
class SecretItem:
    """A ``kubernetes_secret_v1`` whose data is write-only and built from
    ``variables`` by Terraform expressions, so no value passes through Python."""

    name: str
    """Terraform resource name."""
    secret_name: str
    namespace: str
    data: Mapping[str, str]
    """Key -> Terraform expression over :attr:`variables`."""
    revision: int
    """``data_wo_revision``: raise it to write new values."""
    variables: tuple[Variable, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    after: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return f"kubernetes_secret_v1.{self.name}"


KubernetesItem = ManifestItem | NamespaceItem | NamespaceMetadataItem | SecretItem
Item = HelmReleaseItem | KubernetesItem

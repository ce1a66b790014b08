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
    """The variable's name, as ``TF_VAR_<name>`` sets it (required)."""
    description: str
    """What to put in it, shown by ``terraform plan`` when it is unset (required)."""
    validation: Mapping[str, str] | None = None
    """A ``validation`` block (condition and error message). Default: none."""


@dataclass(frozen=True)
class HelmReleaseItem:
    """One ``helm_release`` of an Istio chart."""

    name: str
    """Helm release name, and the Terraform resource name (required)."""
    component: Component
    """Which chart this is, by role (required): how admission checks trace a
    release back to the config section that made it."""
    chart: str
    """Chart name in :attr:`repository`, or the packaged chart's directory
    name (required)."""
    repository: str
    """Helm repository URL; empty for a :attr:`packaged` chart (required)."""
    version: str
    """Chart version to install (required)."""
    namespace: str
    """Namespace the release installs into, created if missing (required)."""
    values: Mapping[str, Any]
    """Chart values, rendered as sorted JSON (required)."""
    wait: bool
    """Wait for the release's workloads and jobs to be ready (required)."""
    timeout_seconds: int
    """How long Helm waits before it fails the release (required)."""
    atomic: bool
    """Roll a failed install or upgrade back (required)."""
    max_history: int
    """Release revisions Helm keeps (required)."""
    prevent_destroy: bool = False
    """Terraform refuses any plan that destroys the release. Default: off."""
    after: tuple[str, ...] = ()
    """Terraform addresses this release comes after. Default: none."""
    revision: str | None = None
    """For an istiod release, the revision it serves (``default`` for the
    un-revisioned one). Default: ``None``, for every other release."""
    packaged: bool = False
    """``chart`` is a chart directory shipped in ``istio_mesh/charts/`` (no
    ``repository``): the construct copies it into the synthesized stack.
    Default: off, a chart from :attr:`repository`."""

    @property
    def address(self) -> str:
        return f"helm_release.{self.name}"


@dataclass(frozen=True)
class ManifestItem:
    """One ``kubernetes_manifest``."""

    name: str
    """Terraform resource name (required)."""
    manifest: Mapping[str, Any]
    """The Kubernetes object, as applied (required)."""
    after: tuple[str, ...] = ()
    """Terraform addresses this object comes after. Default: none."""
    field_manager: str | None = None
    """Server-side apply field manager, forcing conflicts. Default: ``None``,
    the provider's own manager, not forcing."""

    @property
    def address(self) -> str:
        return f"kubernetes_manifest.{self.name}"


@dataclass(frozen=True)
class NamespaceItem:
    """An onboarded namespace: created with its labels (``kubernetes_namespace_v1``)
    or, when it exists already, only labelled (``kubernetes_labels``)."""

    name: str
    """The namespace, and the Terraform resource name (required)."""
    create: bool
    """Manage the whole namespace (destroying the stack deletes it) rather
    than only its labels on a namespace that exists (required)."""
    labels: Mapping[str, str]
    """The labels the stack owns, injection ones included (required)."""
    field_manager: str
    """Server-side apply field manager of the labels of an existing
    namespace (required; unused when :attr:`create`)."""
    after: tuple[str, ...] = ()
    """Always empty (the default): a namespace is the first thing of its stack."""

    @property
    def address(self) -> str:
        kind = "kubernetes_namespace_v1" if self.create else "kubernetes_labels"
        return f"{kind}.{self.name}"


@dataclass(frozen=True)
class NamespaceMetadataItem:
    """Labels or annotations owned on a namespace someone else created."""

    name: str
    """Terraform resource name (required)."""
    kind: Literal["labels", "annotations"]
    """Which metadata the entries are (required)."""
    namespace: str
    """The namespace they go on, which must exist (required)."""
    entries: Mapping[str, str]
    """Key -> value, the only keys this resource owns (required)."""
    field_manager: str
    """Server-side apply field manager owning the entries (required)."""
    after: tuple[str, ...] = ()
    """Terraform addresses these entries come after. Default: none."""

    @property
    def address(self) -> str:
        return f"kubernetes_{self.kind}.{self.name}"


@dataclass(frozen=True)
class SecretItem:
    """A ``kubernetes_secret_v1`` whose data is write-only and built from
    ``variables`` by Terraform expressions, so no value passes through Python."""

    name: str
    """Terraform resource name (required)."""
    secret_name: str
    """The Secret's name in Kubernetes (required)."""
    namespace: str
    """The Secret's namespace, which must exist (required)."""
    data: Mapping[str, str]
    """Key -> Terraform expression over :attr:`variables` (required)."""
    revision: int
    """``data_wo_revision``: raise it to write new values (required)."""
    variables: tuple[Variable, ...]
    """The sensitive, ephemeral variables :attr:`data` reads (required)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """The Secret's labels. Default: none."""
    annotations: Mapping[str, str] = field(default_factory=dict)
    """The Secret's annotations. Default: none."""
    after: tuple[str, ...] = ()
    """Terraform addresses the Secret comes after. Default: none."""

    @property
    def address(self) -> str:
        return f"kubernetes_secret_v1.{self.name}"


KubernetesItem = ManifestItem | NamespaceItem | NamespaceMetadataItem | SecretItem
Item = HelmReleaseItem | KubernetesItem

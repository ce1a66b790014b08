"""Which Istio to install, where its charts and images come from, and how
every Helm release is applied."""

from __future__ import annotations

import re
from enum import Enum
from typing import Literal

from pydantic import Field, field_validator

from istio_mesh.config.base import DnsLabel, MeshModel
from istio_mesh.config.istio_homes import ISTIO_CHART_REPOSITORY, ISTIO_IMAGE_HUB
from istio_mesh.config.url_credentials import refuse_credentials
from istio_mesh.config.versions import DEFAULT_ISTIO_VERSION, MIN_ISTIO_VERSION, parse_version

__all__ = ["ISTIO_CHART_REPOSITORY", "HelmSettings", "IstioSettings", "Platform", "supported_version"]


class Platform(str, Enum):
    """Istio platform profiles (files/profile-platform-*.yaml): CNI paths and the like."""

    NONE = ""
    GKE = "gke"
    K3D = "k3d"
    K3S = "k3s"
    MICROK8S = "microk8s"
    MINIKUBE = "minikube"
    OPENSHIFT = "openshift"


def supported_version(value: str) -> str:
    """A release version no older than the oldest chart layout we generate values for."""
    parsed = parse_version(value)
    if parsed < MIN_ISTIO_VERSION:
        minimum = ".".join(map(str, MIN_ISTIO_VERSION))
        raise ValueError(f"Istio {value} is not supported; use {minimum} or newer")
    return value


class IstioSettings(MeshModel):
    """Which Istio to install and where its charts and images come from."""

    version: str = Field(
        default=DEFAULT_ISTIO_VERSION,
        strict=True,
        description=(
            "Istio release installed by every chart (quote it in YAML: 1.30 is a number)."
        ),
    )
    chart_repository: str = Field(
        default=ISTIO_CHART_REPOSITORY,
        description=(
            "Helm repository holding base, istiod, cni and gateway: Istio's own, its OCI registry "
            "(oci://ghcr.io/istio/release/charts), or a private https:// or oci:// mirror."
        ),
    )
    hub: str | None = Field(
        default=None,
        description=(
            "Image registry for every Istio image, e.g. 'registry.example.com/istio'. "
            f"Unset: {ISTIO_IMAGE_HUB}, named in every release's values."
        ),
    )
    tag: str | None = Field(
        default=None,
        description="Image tag for every Istio image. Unset: the chart's own version.",
    )
    image_pull_secrets: tuple[DnsLabel, ...] = Field(
        default=(),
        description="Names of existing pull secrets, in each Istio namespace, for a private registry.",
    )
    platform: Platform = Field(
        default=Platform.NONE,
        description="Istio platform profile ('' for none, gke, k3d, k3s, microk8s, minikube, openshift).",
    )

    profile: Literal["default", "ambient"] = Field(
        default="default",
        description=(
            "Istio install profile: 'default' (sidecars) or 'ambient' (ztunnel per node, "
            "no sidecars needed; requires cni.enabled and ztunnel.enabled)."
        ),
    )

    @property
    def image_hub(self) -> str:
        """The registry every Istio image comes from: ``hub``, else Istio's own."""
        return self.hub or ISTIO_IMAGE_HUB

    @field_validator("version")
    @classmethod
    def _supported_version(cls, value: str) -> str:
        return supported_version(value)

    @field_validator("chart_repository")
    @classmethod
    def _repository_url(cls, value: str) -> str:
        refuse_credentials(value)  # first: the message below echoes the value
        if not re.fullmatch(r"(https?|oci)://[-A-Za-z0-9.:\[\]]+(/[!-~]*)?", value, re.ASCII):
            raise ValueError("must be an https://, http:// or oci:// URL")
        return value.rstrip("/")

    @field_validator("hub")
    @classmethod
    def _hub_without_credentials(cls, value: str | None) -> str | None:
        if value is not None:
            refuse_credentials(value, fix="give the plain registry and name pull Secrets in imagePullSecrets")
        return value


class HelmSettings(MeshModel):
    """How every Helm release is applied."""

    timeout_seconds: int = Field(
        default=600,
        ge=60,
        le=3600,
        description="How long one release may take to become ready before it fails.",
    )
    max_history: int = Field(
        default=10,
        ge=1,
        le=100,
        description="Release revisions Helm keeps (each is a Secret in the release namespace).",
    )
    atomic: bool = Field(
        default=True,
        description="Roll back a failed upgrade and remove a failed install, instead of leaving it half-applied.",
    )

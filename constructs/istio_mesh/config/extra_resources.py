"""Extra Istio resources applied as written, in the policies stack.

For what the typed settings do not cover (a Telemetry, a canary
VirtualService). The config loader checks their shape and that they do not
collide with what the config generates; ``istio-mesh check``
validates them against the pinned release's CRD schemas.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, Field, field_validator, model_validator

from istio_mesh.config import names
from istio_mesh.config.base import Annotations, DnsLabel, Labels, MeshModel
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.istio_cel import cel_problems
from istio_mesh.config.objects import generated_identities, identity

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig

_API_VERSION = re.compile(r"([a-z0-9.-]+\.istio\.io)/(v[0-9]+((alpha|beta)[0-9]+)?)", re.ASCII)


ObjectName = Annotated[str, AfterValidator(names.dns_subdomain)]


class ResourceMetadata(MeshModel):
    """The metadata an extra resource may carry."""

    name: ObjectName = Field(description="Object name.")
    namespace: DnsLabel = Field(description="Namespace (every Istio kind is namespaced).")
    labels: Labels = Field(default_factory=dict, description="Labels.")
    annotations: Annotations = Field(default_factory=dict, description="Annotations.")


class ExtraResource(MeshModel):
    """One Istio custom resource, as in a manifest file."""

    api_version: str = Field(description="'<group>/<version>' of an Istio kind, e.g. 'networking.istio.io/v1'.")
    kind: str = Field(description="Kind, e.g. 'VirtualService'.")
    metadata: ResourceMetadata = Field(description="Name, namespace, labels, annotations.")
    spec: dict[str, Any] = Field(description="The resource's spec, in Istio's spelling.")

    @field_validator("api_version")
    @classmethod
    def _istio_group(cls, value: str) -> str:
        if not _API_VERSION.fullmatch(value):
            raise ValueError(
                "must be '<group>/<version>' of an Istio API group (*.istio.io), e.g. "
                "'networking.istio.io/v1'; other objects belong in another stack"
            )
        return value

    @field_validator("kind")
    @classmethod
    def _kind_spelling(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", value, re.ASCII):
            raise ValueError("must be a kind in CamelCase, e.g. 'VirtualService'")
        return value

    @model_validator(mode="after")
    def _crd_rules(self) -> ExtraResource:
        """The CRD's CEL rules that a hand-written spec most often breaks: the
        API server would refuse the object half-way through an apply."""
        for path, message in cel_problems(self.kind, self.spec):
            raise RuleViolation(
                ("spec", *path), f"{message} (a rule of Istio's {self.kind} CRD)"
            )
        return self

    @property
    def group(self) -> str:
        """The API group, without version."""
        return self.api_version.rpartition("/")[0]

    def manifest(self) -> dict[str, Any]:
        """The object as applied, without empty metadata maps."""
        metadata: dict[str, Any] = {"name": self.metadata.name, "namespace": self.metadata.namespace}
        if self.metadata.labels:
            metadata["labels"] = dict(self.metadata.labels)
        if self.metadata.annotations:
            metadata["annotations"] = dict(self.metadata.annotations)
        return {"apiVersion": self.api_version, "kind": self.kind, "metadata": metadata,
                "spec": self.spec}


def check_extra_resources(config: MeshConfig) -> None:
    """Each object once, and none that the config also generates: two Terraform
    resources owning one object would overwrite each other on every apply."""
    generated = set(generated_identities(config))
    seen: dict[tuple[str, str, str, str], int] = {}
    for i, resource in enumerate(config.extra_resources):
        key = identity(resource.manifest())
        where = ("extraResources", i, "metadata", "name")
        what = f"{resource.kind} {resource.metadata.namespace}/{resource.metadata.name}"
        if key in seen:
            raise RuleViolation(where, f"{what} is already extraResources[{seen[key]}]; list it once")
        if key in generated:
            raise RuleViolation(
                where,
                f"{what} is also generated from this config's typed settings; "
                f"rename it or change the setting instead",
            )
        seen[key] = i

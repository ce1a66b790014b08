"""Shared building blocks for the configuration models.

YAML files use Istio's camelCase spelling (``holdApplicationUntilProxyStarts``)
so that platform engineers can map a setting to Istio's documentation at a
glance; Python code uses snake_case. Every model is frozen, so a config that
passed validation cannot be changed behind the validator's back by a
construct, and rejects unknown keys, so a misspelt setting is an error rather
than a silently ignored line.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import AfterValidator, BeforeValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from istio_mesh.config import names
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.names import DNS_LABEL, parse_quantity

__all__ = [
    "DNS_LABEL", "Annotations", "DnsLabel", "Labels", "MeshModel", "Quantity", "ResourceList",
    "Resources",
    "models_in", "parse_quantity", "refuse_repeats",
]


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The model classes an annotation refers to (``X | None``, ``tuple[X, ...]``,
    ``Annotated[X | Y, ...]``), for code that walks the config schema."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in models_in(arg)]


class MeshModel(BaseModel):
    """Base for every config model: frozen, strict about keys, camelCase in YAML."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        validate_default=True,
    )


DnsLabel = Annotated[str, AfterValidator(names.dns_label)]
"""A Kubernetes object name that must also be a DNS label (namespaces, releases)."""

def check_labels(labels: dict[str, str]) -> dict[str, str]:
    """The API server's rules for label keys and values, so a bad label fails
    at synth rather than half-way through an apply."""
    for key, value in labels.items():
        problem = names.label_key_problem(key)
        if problem:
            raise RuleViolation((key,), f"label key {names.shown(key)}: {problem}")
        problem = names.label_value_problem(value)
        if problem:
            raise RuleViolation((key,), f"got {names.shown(value)}; {problem}")
    return labels


def check_annotations(annotations: dict[str, str]) -> dict[str, str]:
    """The API server's rules for annotation keys and their total size."""
    for key in annotations:
        problem = names.label_key_problem(key)
        if problem:
            raise RuleViolation((key,), f"annotation key {names.shown(key)}: {problem}")
    size = sum(len(k.encode()) + len(v.encode()) for k, v in annotations.items())
    if size > names.ANNOTATIONS_MAX_BYTES:
        raise RuleViolation(
            (), f"annotations total {size} bytes; Kubernetes allows at most "
            f"{names.ANNOTATIONS_MAX_BYTES}"
        )
    return annotations


Labels = Annotated[dict[str, str], AfterValidator(check_labels)]
"""Kubernetes labels (also a workload selector's match labels)."""

Annotations = Annotated[dict[str, str], AfterValidator(check_annotations)]
"""Kubernetes annotations."""


def _number_as_quantity(value: object) -> object:
    # YAML reads `cpu: 1` as an integer; Kubernetes accepts it as a quantity.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Quantity = Annotated[
    str, BeforeValidator(_number_as_quantity), Field(strict=True), AfterValidator(names.quantity)
]
"""A Kubernetes resource quantity, always kept as a string in chart values."""


class ResourceList(MeshModel):
    """CPU and memory amounts, as in a container's ``resources.requests``."""

    cpu: Quantity | None = Field(default=None, description="CPU, e.g. '500m' or '2'.")
    memory: Quantity | None = Field(
        default=None, description="Memory, e.g. '256Mi' or '2Gi'."
    )

    def to_values(self) -> dict[str, str]:
        """Only the amounts that are set: an unset limit must stay unset in the chart."""
        return {k: v for k, v in (("cpu", self.cpu), ("memory", self.memory)) if v}


class Resources(MeshModel):
    """Container resource requests and limits."""

    requests: ResourceList = Field(
        default_factory=ResourceList,
        description="Amounts the scheduler reserves; also the HPA's utilisation base.",
    )
    limits: ResourceList | None = Field(
        default=None,
        description="Hard caps. Unset keeps the chart's defaults for this component.",
    )

    def check_within(
        self, limits: ResourceList, *, prefix: tuple[str, ...] = (), whose: str = ""
    ) -> None:
        """Refuse requests above limits: the API server would reject every pod."""
        for name in ("cpu", "memory"):
            request, limit = getattr(self.requests, name), getattr(limits, name)
            if request and limit and parse_quantity(request) > parse_quantity(limit):
                raise RuleViolation(
                    (*prefix, "requests", name),
                    f"{names.shown(request)} is above the {whose}limit {names.shown(limit)}; "
                    f"lower the request or set limits.{name}",
                )

    @model_validator(mode="after")
    def _requests_within_limits(self) -> Resources:
        if self.limits is not None:
            self.check_within(self.limits)
        return self

    def to_values(self) -> dict[str, dict[str, str]]:
        """Chart-shaped ``resources`` block."""
        out: dict[str, dict[str, str]] = {"requests": self.requests.to_values()}
        if self.limits is not None:
            out["limits"] = self.limits.to_values()
        return out


def refuse_repeats(field: str, names: list[str]) -> None:
    """Each name of a list once: names become release and object names."""
    for i, name in enumerate(names):
        if name in names[:i]:
            raise RuleViolation(
                (field, i, "name"), f"{name!a} is used more than once; names must be unique"
            )

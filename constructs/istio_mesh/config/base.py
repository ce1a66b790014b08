"""Shared building blocks for the configuration models.

YAML files use Istio's camelCase spelling (``holdApplicationUntilProxyStarts``)
so that platform engineers can map a setting to Istio's documentation at a
glance; Python code uses snake_case. Every model is frozen, so a config that
passed validation cannot be changed behind the validator's back by a
construct, and rejects unknown keys, so a misspelt setting is an error rather
than a silently ignored line.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, get_args

from pydantic import AfterValidator, BeforeValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from istio_mesh.config.errors import RuleViolation

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")

# Kubernetes resource.Quantity, e.g. "500m", "2", "1.5", "256Mi", "1G", "1e3".
_QUANTITY = re.compile(
    r"^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
    r"([eE][-+]?[0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$"
)


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


def _dns_label(value: str) -> str:
    if not DNS_LABEL.match(value):
        raise ValueError(
            "must be a DNS-1123 label: lowercase letters, digits and '-', "
            "starting and ending with a letter or digit, at most 63 characters"
        )
    return value


def _quantity(value: str) -> str:
    if not _QUANTITY.match(value):
        raise ValueError(
            "must be a Kubernetes quantity such as '500m', '1', '256Mi' or '2Gi'"
        )
    return value


_SUFFIX = {
    "": Decimal(1), "m": Decimal("0.001"),
    "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40, "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}


def parse_quantity(value: str) -> Decimal:
    """Numeric value of a Kubernetes quantity, to compare requests with limits."""
    match = re.match(r"^[+]?([0-9.]+)([eE][-+]?[0-9]+|[a-zA-Z]*)$", value)
    if not match:
        raise ValueError(f"not a quantity: {value!r}")
    number, suffix = match.groups()
    if suffix[:1] in ("e", "E"):
        return Decimal(number + suffix)
    return Decimal(number) * _SUFFIX[suffix]


DnsLabel = Annotated[str, AfterValidator(_dns_label)]
"""A Kubernetes object name that must also be a DNS label (namespaces, releases)."""

def _number_as_quantity(value: object) -> object:
    # YAML reads `cpu: 1` as an integer; Kubernetes accepts it as a quantity.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Quantity = Annotated[
    str, BeforeValidator(_number_as_quantity), Field(strict=True), AfterValidator(_quantity)
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
                    f"{request!r} is above the {whose}limit {limit!r}; "
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
                (field, i, "name"), f"{name!r} is used more than once; names must be unique"
            )

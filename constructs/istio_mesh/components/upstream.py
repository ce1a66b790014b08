"""Plan addresses -> the resources rendered for them.

The plan says what each item comes after by Terraform address; a composite
construct (:class:`IstioMesh`, :class:`IstioPolicies`) renders items in plan
order and hands each one the upstream *objects* behind those addresses, so
Terraform's ``depends_on`` is always what the plan says and never a string
typed twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from istio_mesh.components.errors import ConstructError
from istio_mesh.runtime.terraform import Construct, ITerraformDependable


class Rendered:
    """What has been rendered so far, by address.

    Args:
        scope: the construct rendering the items in plan order (a composite,
            or a :class:`~istio_mesh.components.ManifestSet` on its own); its
            path names the place in every error about order or addresses.
    """

    def __init__(self, scope: Construct) -> None:
        self.scope = scope
        self._by_address: dict[str, ITerraformDependable] = {}

    def check_new(self, addresses: Iterable[str]) -> None:
        """Refuse addresses rendered already or listed twice, before rendering
        them: two Terraform resources at one address cannot both exist."""
        seen = set(self._by_address)
        for address in addresses:
            if address in seen:
                raise ConstructError(
                    f"two resources at {address}: Terraform addresses must be unique", self.scope
                )
            seen.add(address)

    def add(self, address: str, resource: ITerraformDependable) -> None:
        self.check_new([address])
        self._by_address[address] = resource

    def upstream(self, addresses: Iterable[str]) -> list[ITerraformDependable]:
        """The resources at ``addresses``, which must have been rendered first."""
        missing = [a for a in addresses if a not in self._by_address]
        if missing:
            raise ConstructError(
                f"rendered out of plan order: {', '.join(missing)} not rendered yet", self.scope
            )
        return [self._by_address[a] for a in addresses]


_ADDRESS = "_istio_mesh_address"


def remember_address(resource: ITerraformDependable, address: str) -> None:
    """Note on the resource the address its construct gave it, so that
    :func:`address_of` need not ask the jsii runtime (two round trips to node
    per resource, on every synth)."""
    setattr(resource, _ADDRESS, address)


def address_of(resource: ITerraformDependable) -> str | None:
    """The Terraform address of a rendered resource (``type.name``), or
    ``None`` for an object that is no Terraform resource."""
    remembered = getattr(resource, _ADDRESS, None)
    if isinstance(remembered, str):
        return remembered
    kind = getattr(resource, "terraform_resource_type", None)
    name = getattr(resource, "friendly_unique_id", None)
    if not isinstance(kind, str) or not isinstance(name, str):
        return None
    return f"{kind}.{name}"


def require_upstream(
    scope: Construct, what: str, needed: Iterable[str], after: Iterable[ITerraformDependable]
) -> None:
    """Refuse to render ``what`` (in ``scope``) without the upstream objects
    its plan item names: a component composed by hand that skips one (istiod
    without the plug-in CA's secret, say) would start in the wrong order and
    misbehave at runtime, not fail at plan time."""
    given: set[str] = set()
    for resource in after:
        address = address_of(resource)
        if address is None:
            raise ConstructError(f"after= holds {resource!r}, which is not a Terraform resource", scope)
        given.add(address)
    missing = [address for address in needed if address not in given]
    if missing:
        raise ConstructError(
            f"{what} comes after {', '.join(missing)} in the mesh plan; "
            f"pass the construct's resource in after=",
            scope,
        )

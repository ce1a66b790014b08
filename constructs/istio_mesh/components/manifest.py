"""The one way this project applies a Kubernetes object as
``kubernetes_manifest``: :class:`IstioManifest` for one plan item,
:class:`ManifestSet` for a group of them."""

from __future__ import annotations

from collections.abc import Sequence

from istio_mesh.components.upstream import Rendered, remember_address, require_upstream
from istio_mesh.plan.items import ManifestItem
from istio_mesh.runtime.terraform import (
    Construct,
    ITerraformDependable,
    KubernetesManifest,
    KubernetesManifestFieldManager,
    TerraformProvider,
)

def render_manifest(
    scope: Construct,
    construct_id: str,
    item: ManifestItem,
    *,
    after: Sequence[ITerraformDependable] = (),
    provider: TerraformProvider | None = None,
) -> KubernetesManifest:
    """A ``kubernetes_manifest`` at the item's address."""
    resource = KubernetesManifest(
        scope,
        construct_id,
        manifest=dict(item.manifest),
        field_manager=(
            KubernetesManifestFieldManager(name=item.field_manager, force_conflicts=True)
            if item.field_manager is not None
            else None
        ),
        depends_on=list(after) or None,
        provider=provider,
    )
    resource.override_logical_id(item.name)
    remember_address(resource, item.address)
    return resource


class IstioManifest(Construct):
    """One object, from its plan item, after the resources in ``after``.

    Keyword arguments:
        item: the plan item to render (required): the object, its Terraform
            name and field manager.
        after: the upstream resources it waits for (its ``depends_on``),
            which must hold every object the item's plan ``after`` names, or
            the construct raises :class:`ConstructError`. Default: none.
        provider: an aliased Kubernetes provider. Default: the stack's
            default one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        item: ManifestItem,
        after: Sequence[ITerraformDependable] = (),
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        require_upstream(self, f"manifest {item.name!r}", item.after, after)
        self.item = item
        self.manifest = item.manifest
        self.resource = render_manifest(self, "manifest", item, after=after, provider=provider)


class ManifestSet(Construct):
    """A group of objects, one ``kubernetes_manifest`` each, in plan order.

    ``rendered`` holds what was rendered before (the namespaces) and gets
    each of these as it is rendered, so an item waits for the objects its
    plan ``after`` names (its namespace, or for the default deny every ALLOW
    policy). The items' Terraform addresses come from the plan, so
    reordering config entries moves no other resource's state.

    Keyword arguments:
        items: the plan items, in plan order (required; may be empty).
        rendered: what the enclosing composite rendered so far, shared with
            it. Default: a new, empty record owned by this set, so the items
            may only come after each other.
        provider: an aliased Kubernetes provider. Default: the stack's
            default one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        items: Sequence[ManifestItem],
        rendered: Rendered | None = None,
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        rendered = rendered if rendered is not None else Rendered(self)
        self.items = tuple(items)
        rendered.check_new(item.address for item in self.items)
        self.resources: list[KubernetesManifest] = []
        for item in self.items:
            resource = render_manifest(
                self, item.name, item, after=rendered.upstream(item.after), provider=provider
            )
            rendered.add(item.address, resource)
            self.resources.append(resource)

"""Revision tags, owned by Terraform (``kubernetes_manifest``, server-side apply)."""

from __future__ import annotations

from collections.abc import Sequence

from istio_mesh.components.manifest import render_manifest
from istio_mesh.plan.mesh import RevisionTagItems
from istio_mesh.runtime.terraform import Construct, ITerraformDependable, TerraformProvider


class RevisionTag(Construct):
    """A tag pointing at one istiod revision: its injection webhook and Service.

    Why not the istiod chart's ``revisionTags``: the tag's objects would then
    belong to the target revision's Helm release, and moving the tag to
    another revision means a second release creating objects the first still
    owns, which Helm refuses ("invalid ownership metadata") unless the first
    is upgraded before, leaving a window with no tag webhook, and which
    breaks again when the tag moves back. Here each tag is one Terraform
    resource whose address does not depend on the revision, so moving it is
    an in-place server-side apply of the same objects, as ``istioctl tag
    set`` does. The objects are built like the chart's; ``caBundle`` is left
    to istiod, which patches it into webhooks labelled with its revision.

    Lives in the mesh stack, after its revision (``after``: the istiod
    release) and before gateways that follow the tag: a gateway pod created
    before its injector exists keeps ``image: auto`` and never starts.
    MutatingWebhookConfiguration and Service are built-in kinds, so planning
    them needs no CRD.

    Keyword arguments:
        tag: the plan's items for this tag, its webhook and Service (required).
        after: the upstream resources both wait for, the target revision's
            istiod release (required: a tag without its revision would point
            the injector at nothing).
        provider: an aliased Kubernetes provider. Default: the stack's
            default one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tag: RevisionTagItems,
        after: Sequence[ITerraformDependable],
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.tag = tag.tag
        self.revision = tag.revision
        self.webhook = render_manifest(self, "webhook", tag.webhook, after=after, provider=provider)
        self.service = render_manifest(self, "service", tag.service, after=after, provider=provider)

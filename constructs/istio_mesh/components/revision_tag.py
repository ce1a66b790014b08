"""Revision tags, owned by Terraform (``kubernetes_manifest``, server-side apply)."""

from __future__ import annotations

from istio_mesh.components.istiod import Istiod
from istio_mesh.components.ownership import FIELD_MANAGER
from istio_mesh.policy.revision_tags import tag_service, tag_webhook
from istio_mesh.terraform import Construct, KubernetesManifest, KubernetesManifestFieldManager


class RevisionTag(Construct):
    """A tag pointing at ``istiod``'s revision.

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

    Lives in the mesh stack, after its revision and before gateways that
    follow the tag: a gateway pod created before its injector exists keeps
    ``image: auto`` and never starts. MutatingWebhookConfiguration and
    Service are built-in kinds, so planning them needs no CRD.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, tag: str, istiod: Istiod
    ) -> None:
        super().__init__(scope, construct_id)
        namespace = istiod.config.istio_namespace
        self.tag = tag
        self.istiod = istiod
        manager = KubernetesManifestFieldManager(name=FIELD_MANAGER, force_conflicts=True)
        self.webhook = KubernetesManifest(
            self,
            "webhook",
            manifest=tag_webhook(tag, istiod.plane, namespace),
            field_manager=manager,
            depends_on=[istiod.release],
        )
        self.webhook.override_logical_id(f"revision_tag_{tag}_webhook")
        self.service = KubernetesManifest(
            self,
            "service",
            manifest=tag_service(tag, istiod.plane, namespace),
            field_manager=manager,
            depends_on=[istiod.release],
        )
        self.service.override_logical_id(f"revision_tag_{tag}_service")

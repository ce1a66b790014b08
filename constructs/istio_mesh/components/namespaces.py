"""Onboarding an application namespace: created with its labels, or labelled."""

from __future__ import annotations

from istio_mesh.plan.items import NamespaceItem
from istio_mesh.runtime.provider_dialect import namespace_v1
from istio_mesh.runtime.terraform import (
    Construct,
    ITerraformDependable,
    KubernetesLabels,
    KubernetesLabelsMetadata,
    TerraformProvider,
)


class MeshNamespace(Construct):
    """A namespace joined to the mesh.

    ``create: true`` manages the whole namespace (``kubernetes_namespace_v1``),
    so destroying the stack deletes it and its workloads. Otherwise only the
    labels this stack owns are applied to the existing namespace
    (``kubernetes_labels``) and removed again on destroy, leaving the
    namespace itself alone. ``force`` takes the injection label over from
    whoever set it by hand before, so Terraform is its one owner.

    Keyword arguments:
        namespace: the plan item (required): its name, labels and whether to
            create it.
        provider: an aliased Kubernetes provider. Default: the stack's
            default one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        namespace: NamespaceItem,
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.item = namespace
        self.resource: ITerraformDependable
        if namespace.create:
            created = namespace_v1(
                self, "namespace", name=namespace.name, labels=dict(namespace.labels), provider=provider
            )
            created.override_logical_id(namespace.name)
            self.resource = created
        else:
            labelled = KubernetesLabels(
                self,
                "labels",
                api_version="v1",
                kind="Namespace",
                metadata=KubernetesLabelsMetadata(name=namespace.name),
                labels=dict(namespace.labels),
                field_manager=namespace.field_manager,
                force=True,
                provider=provider,
            )
            labelled.override_logical_id(namespace.name)
            self.resource = labelled

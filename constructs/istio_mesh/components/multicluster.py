"""A cluster's identity in a multicluster mesh, and its access to the others."""

from __future__ import annotations

from collections.abc import Sequence

from istio_mesh.components.secret import WriteOnlySecret
from istio_mesh.components.upstream import Rendered, remember_address
from istio_mesh.plan.items import NamespaceMetadataItem, SecretItem
from istio_mesh.runtime.terraform import (
    Construct,
    ITerraformDependable,
    KubernetesAnnotations,
    KubernetesAnnotationsMetadata,
    KubernetesLabels,
    KubernetesLabelsMetadata,
    TerraformProvider,
)


class ClusterNetwork(Construct):
    """The root namespace's ``topology.istio.io/network`` label (and, on a
    remote, the ``topology.istio.io/controlPlaneClusters`` annotation naming
    its primary), applied after ``base`` creates the namespace and before
    istiod starts: istiod reads its own cluster's network from the label at
    start-up, and a primary with ``externalIstiod`` only takes charge of a
    remote whose namespace names it. ``kubernetes_labels`` owns just these
    keys and removes them on destroy, leaving the namespace to ``base``.

    Keyword arguments:
        items: the plan's label and annotation items, in plan order (required).
        rendered: what the enclosing composite rendered so far (required:
            the items come after ``base``, which only the composite holds).
        provider: an aliased Kubernetes provider. Default: the stack's
            default one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        items: Sequence[NamespaceMetadataItem],
        rendered: Rendered,
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.resources: list[ITerraformDependable] = []
        for item in items:
            after = rendered.upstream(item.after) or None
            resource: KubernetesLabels | KubernetesAnnotations
            if item.kind == "labels":
                resource = KubernetesLabels(
                    self, item.name, api_version="v1", kind="Namespace",
                    metadata=KubernetesLabelsMetadata(name=item.namespace),
                    labels=dict(item.entries), field_manager=item.field_manager, force=True,
                    depends_on=after, provider=provider,
                )
            else:
                resource = KubernetesAnnotations(
                    self, item.name, api_version="v1", kind="Namespace",
                    metadata=KubernetesAnnotationsMetadata(name=item.namespace),
                    annotations=dict(item.entries), field_manager=item.field_manager, force=True,
                    depends_on=after, provider=provider,
                )
            resource.override_logical_id(item.name)
            remember_address(resource, item.address)
            rendered.add(item.address, resource)
            self.resources.append(resource)


class RemoteSecrets(Construct):
    """One secret per watched cluster, in the format ``istioctl
    create-remote-secret`` writes: label ``istio/multiCluster: "true"``,
    annotation ``networking.istio.io/cluster``, one key named after the
    cluster holding a kubeconfig. istiod watches for such secrets at runtime,
    so they need not exist before it. The kubeconfig is a Terraform
    expression over ephemeral, sensitive variables (see
    :class:`WriteOnlySecret`); a new token needs a higher
    ``multicluster.secretsRevision``.

    Keyword arguments:
        items: the plan's remote secret items, one per watched cluster
            (required).
        rendered: what the enclosing composite rendered so far (required:
            the secrets come after ``base``, which creates their namespace).
        provider: an aliased Kubernetes provider. Default: the stack's
            default one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        items: Sequence[SecretItem],
        rendered: Rendered,
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.secrets: dict[str, WriteOnlySecret] = {}
        for item in items:
            secret = WriteOnlySecret(
                self, item.name, secret=item, after=rendered.upstream(item.after), provider=provider
            )
            rendered.add(item.address, secret.resource)
            self.secrets[item.secret_name] = secret

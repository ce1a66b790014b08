"""A cluster's identity in a multicluster mesh, and its access to the others."""

from __future__ import annotations

from istio_mesh.components.base import IstioBase
from istio_mesh.components.ownership import FIELD_MANAGER
from istio_mesh.config.models import MeshConfig
from istio_mesh.config.multicluster import (
    CONTROL_PLANE_CLUSTERS_ANNOTATION,
    NETWORK_LABEL,
    remote_variable_prefix,
)
from istio_mesh.policy.remote_secrets import (
    REMOTE_SECRET_LABELS,
    remote_kubeconfig_expression,
    remote_secret_name,
)
from istio_mesh.terraform import (
    Construct,
    ITerraformDependable,
    KubernetesAnnotations,
    KubernetesAnnotationsMetadata,
    KubernetesLabels,
    KubernetesLabelsMetadata,
    SecretV1,
    SecretV1Metadata,
    TerraformVariable,
)


# Variable suffix -> what to put in it.
REMOTE_VARIABLES: dict[str, str] = {
    "api_server": "https URL of the cluster's API server, as istiod in this cluster reaches it.",
    "ca_certificate": "PEM certificate of the CA that signed that API server's certificate.",
    "token": "Token of a service account there with Istio's reader role (istio-reader-service-account).",
}


class ClusterNetwork(Construct):
    """The root namespace's ``topology.istio.io/network`` label (and, on a
    remote, the ``topology.istio.io/controlPlaneClusters`` annotation naming
    its primary), applied after ``base`` creates the namespace and before
    istiod starts: istiod reads its own cluster's network from the label at
    start-up, and a primary with ``externalIstiod`` only takes charge of a
    remote whose namespace names it. ``kubernetes_labels`` owns just these
    keys and removes them on destroy, leaving the namespace to ``base``."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: MeshConfig, base: IstioBase
    ) -> None:
        super().__init__(scope, construct_id)
        mc = config.multicluster
        if mc is None:
            raise ValueError("config has no multicluster section")
        self.resources: list[ITerraformDependable] = []
        label = KubernetesLabels(
            self,
            "label",
            api_version="v1",
            kind="Namespace",
            metadata=KubernetesLabelsMetadata(name=config.istio_namespace),
            labels={NETWORK_LABEL: mc.network},
            field_manager=FIELD_MANAGER,
            force=True,
            depends_on=[base.release],
        )
        label.override_logical_id("root_namespace_network")
        self.resources.append(label)
        if mc.is_remote and mc.primary_cluster is not None:
            annotation = KubernetesAnnotations(
                self,
                "control-plane",
                api_version="v1",
                kind="Namespace",
                metadata=KubernetesAnnotationsMetadata(name=config.istio_namespace),
                annotations={CONTROL_PLANE_CLUSTERS_ANNOTATION: mc.primary_cluster},
                field_manager=FIELD_MANAGER,
                force=True,
                depends_on=[base.release],
            )
            annotation.override_logical_id("root_namespace_control_plane")
            self.resources.append(annotation)


class RemoteSecrets(Construct):
    """One secret per watched cluster, in the format ``istioctl
    create-remote-secret`` writes: label ``istio/multiCluster: "true"``,
    annotation ``networking.istio.io/cluster``, one key named after the
    cluster holding a kubeconfig. istiod watches for such secrets at runtime,
    so they need not exist before it.

    The kubeconfig is a Terraform expression over ephemeral, sensitive
    variables (``remote_<cluster>_api_server``, ``_ca_certificate``,
    ``_token``) written to the write-only ``data_wo``: no credential passes
    through Python, the synthesized JSON, the plan or the state. Terraform
    cannot see a changed write-only value, so a new token needs a higher
    ``multicluster.secretsRevision``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        base: IstioBase,
    ) -> None:
        super().__init__(scope, construct_id)
        mc = config.multicluster
        self.secrets: dict[str, SecretV1] = {}
        self.variables: dict[str, TerraformVariable] = {}
        for cluster in mc.remote_secrets if mc is not None else ():
            prefix = remote_variable_prefix(cluster)
            for suffix, description in REMOTE_VARIABLES.items():
                name = f"{prefix}_{suffix}"
                variable = TerraformVariable(
                    self,
                    name,
                    type="string",
                    sensitive=True,
                    nullable=False,
                    description=f"Cluster {cluster}: {description}",
                )
                variable.override_logical_id(name)
                variable.add_override("ephemeral", True)
                self.variables[name] = variable
            secret = SecretV1(
                self,
                f"secret-{cluster}",
                metadata=SecretV1Metadata(
                    name=remote_secret_name(cluster),
                    namespace=config.istio_namespace,
                    labels=dict(REMOTE_SECRET_LABELS),
                    annotations={"networking.istio.io/cluster": cluster},
                ),
                type="Opaque",
                data_wo={cluster: remote_kubeconfig_expression(cluster, prefix)},
                data_wo_revision=mc.secrets_revision if mc is not None else 1,
                depends_on=[base.release],
            )
            secret.override_logical_id(remote_secret_name(cluster).replace("-", "_"))
            self.secrets[cluster] = secret

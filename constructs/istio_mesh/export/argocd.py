"""One cluster's mesh as Argo CD Applications, from the same plan the
Terraform stacks render.

- One Application per Helm release: the plan item's chart, version,
  repository (a Helm repository, or an OCI registry as Argo CD's OCI
  source), release name, namespace and exactly its values.
- The plan's plain Kubernetes objects (revision tags, the root namespace's
  multicluster label) as manifest folders, each synced by one Application.
- The policies stack's objects in a folder synced by one Application in a
  wave after every mesh object, as Terraform applies that stack after the
  mesh stack.
- Secrets are left out: their values never pass through this code (see
  :mod:`istio_mesh.plan.secrets`), so they stay prerequisites.

Every Application carries the sync wave of its plan items
(:mod:`istio_mesh.export.waves`). Waves order Applications only when one
parent Application syncs them all, so with a Git repository configured the
export adds that parent (``root.yaml``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from istio_mesh.config.gateway_api import GATEWAY_API_VERSION
from istio_mesh.config.gitops import IN_CLUSTER_SERVER
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan import (
    ClusterPlan,
    HelmReleaseItem,
    ManifestItem,
    NamespaceItem,
    NamespaceMetadataItem,
    SecretItem,
)
from istio_mesh.export.waves import last_wave, sync_waves

API_VERSION = "argoproj.io/v1alpha1"
SYNC_WAVE = "argocd.argoproj.io/sync-wave"
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
CLUSTER_LABEL = "istio-mesh/cluster"
PART_OF = {"app.kubernetes.io/part-of": "istio-mesh", "app.kubernetes.io/managed-by": "istio-mesh"}

KEEP_ON_REMOVAL = "Prune=false,Delete=false"
"""For objects the export only labels (a namespace someone else created):
neither a removed file nor a deleted Application may delete them."""

_WEBHOOKS = "admissionregistration.k8s.io"
CA_BUNDLE_DRIFT = {
    "group": _WEBHOOKS,
    "kind": "MutatingWebhookConfiguration",
    "jqPathExpressions": [".webhooks[]?.clientConfig.caBundle"],
}
"""istiod patches its CA into every injection webhook of its revision."""
VALIDATOR_DRIFT = {
    "group": _WEBHOOKS,
    "kind": "ValidatingWebhookConfiguration",
    "jqPathExpressions": [".webhooks[]?.clientConfig.caBundle", ".webhooks[]?.failurePolicy"],
}
"""istiod patches its CA into the validators and flips their failurePolicy
from Ignore to Fail once it serves validation."""

SERVER_SIDE_CHARTS = frozenset({"base", "istiod"})
"""Charts applied server-side: base's CRDs are too large for the
last-applied annotation of a client-side apply, and istiod's webhooks carry
fields istiod owns at run time, which a server-side apply leaves to it."""

WEBHOOK_CHARTS = frozenset({"base", "istiod"})
"""Charts that render Istio's webhook configurations."""


@dataclass(frozen=True)
class ManifestFolder:
    """Plain manifests synced together by one Application."""

    name: str
    """Folder name, and the Application's name after the cluster's."""
    wave: int
    namespace: str
    """Destination namespace of the Application (each object names its own)."""
    manifests: Mapping[str, Mapping[str, Any]]
    """File name -> manifest."""
    server_side: bool


@dataclass(frozen=True)
class Prerequisite:
    """An object the export cannot write, which must exist before its wave."""

    kind: str
    name: str
    namespace: str
    keys: tuple[str, ...]
    wave: int
    why: str


@dataclass(frozen=True)
class ArgoExport:
    """What ``export argocd`` writes for one cluster."""

    cluster: str
    releases: Mapping[str, Mapping[str, Any]]
    """Application name -> Application of one Helm release."""
    folders: tuple[ManifestFolder, ...]
    folder_applications: Mapping[str, Mapping[str, Any]]
    """Application name -> Application syncing one folder (with a repository only)."""
    root: Mapping[str, Any] | None
    """The parent Application of all the others (with a repository only)."""
    prerequisites: tuple[Prerequisite, ...]
    waves: Mapping[str, int]
    """Application (or, without a repository, folder) name -> wave."""

    @property
    def applications(self) -> dict[str, Mapping[str, Any]]:
        """Every Application the root syncs, by name."""
        return {**self.releases, **self.folder_applications}


RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"
"""Deleting the Application deletes what it installed: a release or folder
dropped from the config goes, as Terraform destroys it (the last runbook
step removes the old istiod this way)."""


def _metadata(
    cluster: str, config: MeshConfig, name: str, wave: int | None, *, cascade: bool
) -> dict[str, Any]:
    """``cascade=False`` for what must outlive its Application: the root (whose
    deletion must not take the mesh with it) and anything under
    ``protection.preventDestroy``."""
    metadata: dict[str, Any] = {
        "name": name,
        "namespace": config.gitops.namespace,
        "labels": {**PART_OF, CLUSTER_LABEL: cluster},
    }
    if wave is not None:
        metadata["annotations"] = {SYNC_WAVE: str(wave)}
    if cascade:
        metadata["finalizers"] = [RESOURCES_FINALIZER]
    return metadata


def _sync_policy(*options: str) -> dict[str, Any]:
    policy: dict[str, Any] = {"automated": {"prune": True, "selfHeal": True}}
    if options:
        policy["syncOptions"] = sorted(options)
    return policy


GATEWAY_API_REPOSITORY = "https://github.com/kubernetes-sigs/gateway-api"


def gateway_api_crds_application(
    cluster: str, config: MeshConfig, release: HelmReleaseItem, wave: int
) -> dict[str, Any]:
    """The Gateway API CRDs for Argo CD: the chart Terraform installs ships
    inside this package, which Argo CD cannot read, so the Application syncs
    the same files from the upstream repository at the pinned tag
    (``config/crd/<channel>/gateway*.yaml``, what the release bundle
    concatenates). Server-side apply, as the largest CRDs exceed the
    client-side apply annotation; never pruned and no cascading finalizer,
    so removing the Application leaves the CRDs and every Gateway in place.
    Argo CD has no downgrade guard: pin the tag you mean."""
    channel = str(release.values["channel"])
    spec: dict[str, Any] = {
        "project": config.gitops.project,
        "destination": config.gitops.destination.to_argocd(release.namespace),
        "source": {
            "repoURL": GATEWAY_API_REPOSITORY,
            "targetRevision": GATEWAY_API_VERSION,
            "path": f"config/crd/{channel}",
            "directory": {"include": "gateway*.yaml"},
        },
        "syncPolicy": {
            "automated": {"prune": False, "selfHeal": True},
            "syncOptions": sorted(["ServerSideApply=true", "Prune=false"]),
        },
    }
    return {
        "apiVersion": API_VERSION,
        "kind": "Application",
        "metadata": _metadata(cluster, config, f"{cluster}-{release.name}", wave, cascade=False),
        "spec": spec,
    }


OCI_SCHEME = "oci://"


def chart_source(release: HelmReleaseItem) -> dict[str, str]:
    """Where Argo CD finds a release's chart. A Helm repository: ``repoURL``
    and ``chart``. An OCI registry: Argo CD's native OCI source (3.1 and
    later), ``repoURL`` the chart's own artifact (``oci://<registry>/<chart>``,
    the reference Helm pulls) and ``path: .``, which a public registry serves
    with no repository registered in Argo CD."""
    if release.repository.startswith(OCI_SCHEME):
        return {"repoURL": f"{release.repository}/{release.chart}", "path": "."}
    return {"repoURL": release.repository, "chart": release.chart}


def release_application(cluster: str, config: MeshConfig, release: HelmReleaseItem, wave: int) -> dict[str, Any]:
    """The Application of one Helm release: what ``helm_release`` installs,
    with the namespace created as ``create_namespace`` does."""
    if release.packaged:
        return gateway_api_crds_application(cluster, config, release, wave)
    options = ["CreateNamespace=true"]
    spec: dict[str, Any] = {
        "project": config.gitops.project,
        "destination": config.gitops.destination.to_argocd(release.namespace),
        "source": {
            **chart_source(release),
            "targetRevision": release.version,
            "helm": {"releaseName": release.name, "valuesObject": dict(release.values)},
        },
    }
    if release.chart in WEBHOOK_CHARTS:
        spec["ignoreDifferences"] = [CA_BUNDLE_DRIFT, VALIDATOR_DRIFT]
        options.append("RespectIgnoreDifferences=true")
    if release.chart in SERVER_SIDE_CHARTS:
        options.append("ServerSideApply=true")
    spec["syncPolicy"] = _sync_policy(*options)
    return {
        "apiVersion": API_VERSION,
        "kind": "Application",
        "metadata": _metadata(
            cluster, config, f"{cluster}-{release.name}", wave, cascade=not release.prevent_destroy
        ),
        "spec": spec,
    }


def folder_path(config: MeshConfig, cluster: str, folder: str) -> str:
    """The folder's path in the GitOps repository."""
    base = config.gitops.repository.path if config.gitops.repository else ""
    return "/".join(part for part in (base, cluster, folder) if part)


def folder_application(cluster: str, config: MeshConfig, folder: ManifestFolder) -> dict[str, Any]:
    """The Application that syncs one manifest folder from the GitOps repository."""
    repository = config.gitops.repository
    if repository is None:
        raise ValueError("a folder Application needs gitops.repository")
    kinds = {m["kind"] for m in folder.manifests.values()}
    options = ["SkipDryRunOnMissingResource=true"]
    spec: dict[str, Any] = {
        "project": config.gitops.project,
        "destination": config.gitops.destination.to_argocd(folder.namespace),
        "source": {
            "repoURL": repository.url,
            "targetRevision": repository.revision,
            "path": folder_path(config, cluster, folder.name),
        },
    }
    drift = [d for d in (CA_BUNDLE_DRIFT, VALIDATOR_DRIFT) if d["kind"] in kinds]
    if drift:
        spec["ignoreDifferences"] = drift
        options.append("RespectIgnoreDifferences=true")
    if folder.server_side:
        options.append("ServerSideApply=true")
    spec["syncPolicy"] = _sync_policy(*options)
    return {
        "apiVersion": API_VERSION,
        "kind": "Application",
        "metadata": _metadata(
            cluster, config, f"{cluster}-{folder.name}", folder.wave,
            cascade=not config.protection.prevent_destroy,
        ),
        "spec": spec,
    }


def root_application(cluster: str, config: MeshConfig) -> dict[str, Any]:
    """The parent Application: syncs every other Application of the cluster in
    wave order. It lives where Argo CD does, whatever the mesh's destination."""
    repository = config.gitops.repository
    if repository is None:
        raise ValueError("the root Application needs gitops.repository")
    return {
        "apiVersion": API_VERSION,
        "kind": "Application",
        "metadata": _metadata(cluster, config, f"{cluster}-istio-mesh", None, cascade=False),
        "spec": {
            "project": config.gitops.project,
            "destination": {"server": IN_CLUSTER_SERVER, "namespace": config.gitops.namespace},
            "source": {
                "repoURL": repository.url,
                "targetRevision": repository.revision,
                "path": folder_path(config, cluster, APPLICATIONS_FOLDER),
            },
            "syncPolicy": _sync_policy(),
        },
    }


APPLICATIONS_FOLDER = "applications"
REVISION_TAGS_FOLDER = "revision-tags"
ROOT_NAMESPACE_FOLDER = "root-namespace"
POLICIES_FOLDER = "policies"


def _with_wave(manifest: Mapping[str, Any], wave: int, options: str | None = None) -> dict[str, Any]:
    metadata = dict(manifest["metadata"])
    annotations = {**metadata.get("annotations", {}), SYNC_WAVE: str(wave)}
    if options:
        annotations[SYNC_OPTIONS] = options
    metadata["annotations"] = annotations
    return {**manifest, "metadata": metadata}


def _namespace(name: str, labels: Mapping[str, str], annotations: Mapping[str, str]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if labels:
        metadata["labels"] = dict(labels)
    if annotations:
        metadata["annotations"] = dict(annotations)
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


def _one_wave(folder: str, items: Sequence[Any], waves: Mapping[str, int]) -> int:
    """A folder is synced in one wave, so its items must share one."""
    found = sorted({waves[item.address] for item in items})
    if len(found) != 1:
        raise ValueError(f"{folder}: items in waves {found}; one Application syncs one wave")
    return found[0]


def _mesh_folders(config: MeshConfig, plan: ClusterPlan, waves: Mapping[str, int]) -> list[ManifestFolder]:
    folders = []
    tags = [item for tag in plan.mesh.tags.values() for item in (tag.webhook, tag.service)]
    if tags:
        wave = _one_wave(REVISION_TAGS_FOLDER, tags, waves)
        folders.append(ManifestFolder(
            REVISION_TAGS_FOLDER, wave, config.istio_namespace,
            {f"{item.name}.yaml": _with_wave(item.manifest, wave) for item in tags},
            # As the stack's kubernetes_manifest: server-side, leaving caBundle to istiod.
            server_side=True,
        ))
    network = list(plan.mesh.network)
    if network:
        wave = _one_wave(ROOT_NAMESPACE_FOLDER, network, waves)
        manifests = {}
        for namespace in sorted({item.namespace for item in network}):
            own = [item for item in network if item.namespace == namespace]
            labels = {k: v for item in own if item.kind == "labels" for k, v in item.entries.items()}
            notes = {k: v for item in own if item.kind == "annotations" for k, v in item.entries.items()}
            manifests[f"namespace_{namespace}.yaml"] = _with_wave(
                _namespace(namespace, labels, notes), wave, KEEP_ON_REMOVAL
            )
        # Server-side: only these labels and annotations, on a namespace base created.
        folders.append(ManifestFolder(ROOT_NAMESPACE_FOLDER, wave, config.istio_namespace, manifests, server_side=True))
    return folders


def _policies_folder(config: MeshConfig, plan: ClusterPlan, wave: int) -> ManifestFolder | None:
    """The policies stack's objects, ordered inside the folder by their own
    plan (namespaces, then resources, the default deny after every ALLOW)."""
    policies = plan.policies
    if not policies.items:
        return None
    inner = sync_waves(policies.items)
    manifests: dict[str, dict[str, Any]] = {}
    for item in policies.items:
        if isinstance(item, NamespaceItem):
            # An existing namespace is only labelled: removing it from the
            # config must not delete it, as kubernetes_labels does not.
            options = None if item.create else KEEP_ON_REMOVAL
            manifests[f"namespace_{item.name}.yaml"] = _with_wave(
                _namespace(item.name, item.labels, {}), inner[item.address], options
            )
        elif isinstance(item, ManifestItem):
            manifests[f"{item.name}.yaml"] = _with_wave(item.manifest, inner[item.address])
    return ManifestFolder(POLICIES_FOLDER, wave, config.istio_namespace, manifests, server_side=True)


def _prerequisites(plan: ClusterPlan, waves: Mapping[str, int]) -> tuple[Prerequisite, ...]:
    out = []
    for item in plan.mesh.items:
        if isinstance(item, SecretItem):
            why = ("istiod signs workload certificates with it; it must exist before istiod starts"
                   if item is plan.mesh.ca_secret else
                   "istiod reads the remote cluster's API server from it (istioctl create-remote-secret)")
            out.append(Prerequisite("Secret", item.secret_name, item.namespace, tuple(sorted(item.data)),
                                    waves[item.address], why))
    return tuple(out)


def argocd_export(cluster: str, config: MeshConfig, plan: ClusterPlan) -> ArgoExport:
    """The Argo CD export of one cluster's plan."""
    waves = sync_waves(plan.mesh.items)
    releases = {
        f"{cluster}-{release.name}": release_application(cluster, config, release, waves[release.address])
        for release in plan.mesh.releases
    }
    folders = _mesh_folders(config, plan, waves)
    policies = _policies_folder(config, plan, last_wave(waves) + 1)
    folders += [policies] if policies is not None else []
    folder_apps = (
        {f"{cluster}-{f.name}": folder_application(cluster, config, f) for f in folders}
        if config.gitops.repository is not None else {}
    )
    app_waves = {name: int(app["metadata"]["annotations"][SYNC_WAVE]) for name, app in releases.items()}
    app_waves.update({f"{cluster}-{f.name}": f.wave for f in folders})
    return ArgoExport(
        cluster=cluster,
        releases=releases,
        folders=tuple(folders),
        folder_applications=folder_apps,
        root=root_application(cluster, config) if config.gitops.repository is not None else None,
        prerequisites=_prerequisites(plan, waves),
        waves=app_waves,
    )

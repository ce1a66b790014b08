"""Fleet files: several clusters of one or more meshes in one file.

A fleet file lives in a ``fleets/`` directory (``config/fleets/<fleet>.yaml``)
and lists meshes; each has ``shared`` settings and ``clusters``, whose own
settings are deep-merged over the shared ones (maps key by key, lists
replaced whole) and then validated as a normal cluster config. Every cluster
gets two stacks, ``<cluster>-mesh`` and ``<cluster>-policies``.

Settings that must agree across clusters are derived or checked here: the
cluster name is the cluster's key; the mesh ID defaults to the mesh's key;
every primary gets a remote secret for each other cluster of its mesh and
serves remotes that name it. Mismatches Istio would only show at runtime
(another mesh ID, another root CA, a network no gateway joins, a remote
pointing at no primary) are refused with both clusters named.

Example::

    meshes:
      mesh1:
        shared:
          ca: {mode: plugin}
          multicluster: {rootCertSha256: 9f86d0...}
        clusters:
          east:
            multicluster: {network: net-east}
          west:
            multicluster: {network: net-west}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from istio_mesh.config.backend import STACK_NAME
from istio_mesh.config.base import MeshModel
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.describe import describe_validation_error
from istio_mesh.config.document import document_problems
from istio_mesh.config.errors import ConfigError, format_path
from istio_mesh.config.merge import deep_merge
from istio_mesh.config.multicluster import EASTWEST_KIND, MulticlusterSettings, untrusted_trust_domains
from istio_mesh.config.reader import read_text, read_yaml

FLEET_DIRECTORY = "fleets"
_DERIVED = ("clusterName", "remoteSecrets", "externalIstiod")


class FleetMesh(MeshModel):
    """One mesh of a fleet: settings its clusters share, and the clusters."""

    shared: dict[str, Any] | None = Field(
        default=None,
        description="Cluster settings every cluster of the mesh starts from.",
    )
    clusters: dict[str, dict[str, Any] | None] = Field(
        description=(
            "Cluster name -> its own settings, deep-merged over shared (maps key by key, "
            "lists replaced whole). The name also names the cluster's stacks."
        ),
    )


class Fleet(MeshModel):
    """A fleet file: one or more meshes of several clusters each."""

    meshes: dict[str, FleetMesh] = Field(
        description="Mesh name -> {shared, clusters}; the name is the clusters' default mesh ID.",
    )


def is_fleet_path(path: Path | str) -> bool:
    """Fleet files are told apart by their directory, so a cluster file can
    never be read as a fleet by accident (or the other way round)."""
    return Path(path).parent.name == FLEET_DIRECTORY


def load_fleet(path: Path | str) -> dict[str, MeshConfig]:
    """Every cluster of every mesh in the fleet file, keyed by cluster name.

    The file goes through the cluster files' reader and document checks, each
    cluster's settings checked on their own (``meshes.<mesh>.clusters.<name>``
    is their top level), so a value refused in a cluster file is refused here
    with the same message.
    """
    path = Path(path)
    data = read_yaml(read_text(path), path)
    if not isinstance(data, dict):
        raise ConfigError(path, ["expected a fleet: a mapping with the key 'meshes'"])
    problems = _document_problems(data)
    if problems:
        raise ConfigError(path, problems)
    try:
        fleet = Fleet.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, describe_validation_error(exc, Fleet)) from None
    raw = _merged_clusters(fleet, problems)
    if problems:
        raise ConfigError(path, problems)
    configs: dict[str, MeshConfig] = {}
    for mesh, clusters in raw.items():
        _derive(mesh, clusters)
        for cluster, settings in clusters.items():
            try:
                configs[cluster] = MeshConfig.model_validate(settings)
            except ValidationError as exc:
                at = ("meshes", mesh, "clusters", cluster)
                problems += [_within(at, p) for p in describe_validation_error(exc)]
    if problems:
        raise ConfigError(path, problems)
    for mesh, clusters in raw.items():
        problems += check_mesh(mesh, {c: configs[c] for c in clusters})
    if problems:
        raise ConfigError(path, problems)
    return configs


def _document_problems(data: dict[Any, Any]) -> list[str]:
    """The document checks, run on each cluster's and each mesh's shared
    settings on their own and on the rest of the file around them."""
    skeleton = dict(data)
    parts: list[tuple[tuple[str | int, ...], Any]] = []
    meshes = data.get("meshes")
    if isinstance(meshes, dict):
        skeleton["meshes"] = outline = {}
        for mesh, body in meshes.items():
            outline[mesh] = body
            if not isinstance(mesh, str) or not isinstance(body, dict):
                continue
            outline[mesh] = inner = dict(body)
            if "shared" in body:
                inner["shared"] = None
                parts.append((("meshes", mesh, "shared"), body["shared"]))
            clusters = body.get("clusters")
            if isinstance(clusters, dict):
                inner["clusters"] = {c: None for c in clusters}
                parts += [(("meshes", mesh, "clusters", c), own)
                          for c, own in clusters.items() if isinstance(c, str)]
    problems = document_problems(skeleton)
    for at, part in parts:
        problems += document_problems(part, at)
    return problems


def _merged_clusters(fleet: Fleet, problems: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """mesh -> cluster -> shared settings with the cluster's own merged over
    them; what stops a cluster from being one goes to ``problems``."""
    if not fleet.meshes:
        problems.append("meshes: required: a mapping of mesh name -> {shared, clusters}")
    raw: dict[str, dict[str, dict[str, Any]]] = {}
    owner: dict[str, str] = {}
    for mesh, body in fleet.meshes.items():
        if not body.clusters:
            problems.append(f"meshes.{mesh}.clusters: required: a mapping of cluster name -> settings")
        raw[mesh] = {}
        for cluster, own in body.clusters.items():
            at = f"meshes.{mesh}.clusters.{cluster}"
            if not STACK_NAME.fullmatch(cluster):
                problems.append(
                    f"{at}: cluster name {cluster!a} cannot name stacks; use lowercase "
                    f"letters, digits and '-' (at most 42)"
                )
                continue
            if cluster in owner:
                problems.append(
                    f"{at}: cluster {cluster!a} is already a member of mesh {owner[cluster]!a}; "
                    f"cluster names must be unique in a fleet"
                )
                continue
            owner[cluster] = mesh
            merged = deep_merge(body.shared or {}, own or {})
            problems += _refuse_derived(at, merged, cluster)
            raw[mesh][cluster] = merged
    return raw


def _within(at: tuple[str, ...], problem: str) -> str:
    """A cluster's problem, its path prefixed with where the cluster is in the fleet."""
    field, sep, message = problem.partition(": ")
    inner = "" if field == "(top level)" else field
    joined = format_path(at) + (inner if inner.startswith("[") or not inner else f".{inner}")
    return f"{joined}{sep}{message}"


def _refuse_derived(at: str, merged: Mapping[str, Any], cluster: str) -> list[str]:
    mc = merged.get("multicluster")
    if not isinstance(mc, dict):
        return [] if mc is None else [f"{at}.multicluster: expected a mapping"]
    out = []
    for key in _DERIVED:
        if key in mc and not (key == "clusterName" and mc[key] == cluster):
            out.append(
                f"{at}.multicluster.{key}: set by the fleet from its clusters; remove it"
            )
    return out


def _derive(mesh: str, clusters: dict[str, dict[str, Any]]) -> None:
    """Cluster names, the mesh ID default, remote secrets and externalIstiod."""
    sections = {c: data.get("multicluster") or {} for c, data in clusters.items()}
    served = {
        str(mc.get("primaryCluster")) for mc in sections.values() if mc.get("role") == "remote"
    }
    for cluster, data in clusters.items():
        mc = dict(sections[cluster])
        mc["clusterName"] = cluster
        if mc.get("role", "primary") == "primary":
            mc["remoteSecrets"] = [c for c in clusters if c != cluster]
            mc["externalIstiod"] = cluster in served
        data["multicluster"] = mc
        meshcfg = data.get("mesh") or {}
        if isinstance(meshcfg, dict):  # anything else is reported by validation
            data["mesh"] = {"meshId": mesh, **meshcfg}


def check_mesh(mesh: str, members: Mapping[str, MeshConfig]) -> list[str]:
    """Rules across the clusters of one mesh; each message names both clusters."""
    group = _Mesh(mesh, dict(members))
    return [*group.mesh_ids(), *group.trust_domains(), *group.root_cas(), *group.remotes(),
            *group.networks()]


@dataclass(frozen=True)
class _Mesh:
    """The clusters of one mesh, and the rules Istio would only show at runtime."""

    name: str
    members: dict[str, MeshConfig]

    def at(self, cluster: str, *field: str | int) -> str:
        return format_path(("meshes", self.name, "clusters", cluster, *field))

    def other(self, cluster: str) -> str:
        return next((c for c in self.members if c != cluster), cluster)

    @property
    def primaries(self) -> dict[str, MeshConfig]:
        return {c: m for c, m in self.members.items() if _mc(m).role == "primary"}

    def mesh_ids(self) -> Iterator[str]:
        first, expected = next(iter(self.members.items()))
        for cluster, config in self.members.items():
            if config.mesh.mesh_id != expected.mesh.mesh_id:
                yield (
                    f"{self.at(cluster, 'mesh', 'meshId')}: {config.mesh.mesh_id!a} differs from "
                    f"cluster {first!a} ({expected.mesh.mesh_id!a}); every cluster of a "
                    f"mesh needs the same mesh ID"
                )

    def trust_domains(self) -> Iterator[str]:
        for cluster, other, theirs in untrusted_trust_domains(self.members):
            yield (
                f"{self.at(cluster, 'mesh', 'trustDomain')}: cluster {cluster!a} does not accept "
                f"trust domain {theirs!a} of cluster {other!a}; every cluster of a mesh needs the "
                f"same trust domain or the others' in trustDomainAliases"
            )
            return

    def root_cas(self) -> Iterator[str]:
        if len(self.members) < 2:
            return
        fingerprints = {c: _mc(m).root_cert_sha256 for c, m in self.primaries.items()}
        reference = next((c for c, f in fingerprints.items() if f is not None), None)
        for cluster, config in self.primaries.items():
            if config.ca.mode != "plugin":
                yield (
                    f"{self.at(cluster, 'ca', 'mode')}: {config.ca.mode!a} gives cluster "
                    f"{cluster!a} a root CA that cluster {self.other(cluster)!a} does not trust; "
                    f"every primary of a multicluster mesh needs ca.mode: plugin with the shared root"
                )
            elif fingerprints[cluster] is None:
                yield (
                    f"{self.at(cluster, 'multicluster', 'rootCertSha256')}: is required, so that "
                    f"cluster {cluster!a} is checked to trust the same root CA as cluster "
                    f"{self.other(cluster)!a}; set it once in the mesh's shared settings"
                )
            elif reference is not None and fingerprints[cluster] != fingerprints[reference]:
                yield (
                    f"{self.at(cluster, 'multicluster', 'rootCertSha256')}: differs from cluster "
                    f"{reference!a}; every cluster of a mesh must trust the same root CA"
                )

    def remotes(self) -> Iterator[str]:
        primaries = ", ".join(sorted(self.primaries)) or "none"
        for cluster, config in self.members.items():
            mc = _mc(config)
            if mc.role != "remote":
                continue
            where = self.at(cluster, "multicluster", "primaryCluster")
            if mc.primary_cluster not in self.members:
                yield (
                    f"{where}: {mc.primary_cluster!a} is not a cluster of mesh {self.name!a}; "
                    f"remote cluster {cluster!a} needs one of its primaries ({primaries})"
                )
            elif mc.primary_cluster not in self.primaries:
                yield (
                    f"{where}: cluster {mc.primary_cluster!a} is a remote too; remote cluster "
                    f"{cluster!a} needs a primary ({primaries})"
                )

    def networks(self) -> Iterator[str]:
        networks: dict[str, list[str]] = {}
        for cluster, config in self.members.items():
            networks.setdefault(_mc(config).network, []).append(cluster)
        if len(networks) < 2:
            return
        for network, clusters in networks.items():
            if any(_has_eastwest(self.members[c]) for c in clusters):
                continue
            elsewhere = next(c for c, m in self.members.items() if _mc(m).network != network)
            yield (
                f"{self.at(clusters[0], 'multicluster', 'network')}: network {network!a} of "
                f"cluster {clusters[0]!a} has no east-west gateway, so cluster {elsewhere!a} "
                f"(network {_mc(self.members[elsewhere]).network!a}) cannot reach it; add a "
                f"gateway with kind: eastwest to a cluster on {network!a}"
            )


def remote_primaries(configs: Mapping[str, MeshConfig]) -> dict[str, str]:
    """Remote cluster -> its primary, for the remotes whose primary is in
    ``configs``: a remote's stacks must wait for the primary's, since its
    gateways' pods are injected by the primary's istiod, which the remote
    reaches only once the primary's east-west gateway exposes it (policies
    stack) and which knows the remote only from its remote secret."""
    out: dict[str, str] = {}
    for name, config in sorted(configs.items()):
        mc = config.multicluster
        if mc is not None and mc.is_remote and mc.primary_cluster in configs:
            out[name] = str(mc.primary_cluster)
    return out


def _mc(config: MeshConfig) -> MulticlusterSettings:
    # Every fleet cluster has a multicluster section: the fleet derives it.
    assert config.multicluster is not None
    return config.multicluster


def _has_eastwest(config: MeshConfig) -> bool:
    return any(g.kind == EASTWEST_KIND for g in config.gateways)

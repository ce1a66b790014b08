"""One cluster's place in a multicluster mesh: its name, network and role.

Istio spreads a cluster's identity over several charts (istiod's
``global.multiCluster.clusterName`` and ``global.network``, ztunnel's
``multiCluster.clusterName`` and ``network``, the east-west gateway's
``networkGateway``, the root namespace's ``topology.istio.io/network``
label); a mismatch fails silently at runtime. They are all derived from this
section, so they cannot disagree. Rules that need every cluster of the mesh
(same mesh ID, same root CA, every network reachable) live in
:mod:`istio_mesh.config.fleet`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field

from istio_mesh.config import names
from istio_mesh.config.base import DnsLabel, MeshModel
from istio_mesh.config.errors import RuleViolation

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig

NETWORK_LABEL = "topology.istio.io/network"
CONTROL_PLANE_CLUSTERS_ANNOTATION = "topology.istio.io/controlPlaneClusters"
EASTWEST_KIND = "eastwest"

_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)


def _sha256(value: str) -> str:
    if not _SHA256.match(value):
        raise ValueError(
            "must be 64 lowercase hex digits: printf %s \"$(cat root-cert.pem)\" | sha256sum"
        )
    return value


class MulticlusterSettings(MeshModel):
    """This cluster's identity in a mesh that spans several clusters."""

    cluster_name: DnsLabel = Field(
        description=(
            "Cluster name inside the mesh (global.multiCluster.clusterName); unique per mesh "
            "and the name other clusters' remote secrets use for it."
        )
    )
    network: DnsLabel = Field(
        description=(
            "Network of this cluster's pods (global.network, the root namespace's "
            "topology.istio.io/network label). Clusters whose pods reach each other "
            "directly share one; other networks are reached through east-west gateways."
        )
    )
    role: Literal["primary", "remote"] = Field(
        default="primary",
        description=(
            "primary: runs istiod. remote: runs no istiod (istiod chart with profile: "
            "remote); its proxies are configured by primaryCluster's istiod."
        ),
    )
    primary_cluster: DnsLabel | None = Field(
        default=None,
        description="remote only: the primary whose istiod configures this cluster.",
    )
    primary_address: Annotated[str, AfterValidator(names.address)] | None = Field(
        default=None,
        description=(
            "remote only: host name or IP where this cluster reaches the primary's istiod "
            "(global.remotePilotAddress), normally the primary's east-west gateway address."
        ),
    )
    remote_secrets: tuple[DnsLabel, ...] = Field(
        default=(),
        description=(
            "primary only: clusters whose API servers this istiod watches; each gets a "
            "secret istio-remote-secret-<cluster> built from sensitive variables "
            "remote_<cluster>_api_server, _ca_certificate and _token. In a fleet file: "
            "every other cluster of the mesh, filled in."
        ),
    )
    external_istiod: bool = Field(
        default=False,
        description=(
            "primary only: also serve remote clusters (global.externalIstiod) and expose "
            "istiod on the east-west gateway (ports 15012, 15017). In a fleet file: set "
            "when a remote names this primary."
        ),
    )
    secrets_revision: int = Field(
        default=1,
        ge=1,
        description=(
            "Increase to push new remote-secret credentials from the variables (they are "
            "write-only, so Terraform cannot see a change by itself)."
        ),
    )
    root_cert_sha256: Annotated[str, AfterValidator(_sha256)] | None = Field(
        default=None,
        description=(
            "SHA-256 of the shared root certificate (ca.mode: plugin); the istio_root_cert "
            "variable must match it, so every cluster of the mesh trusts the same root."
        ),
    )

    @property
    def is_remote(self) -> bool:
        return self.role == "remote"


def untrusted_trust_domains(members: Mapping[str, MeshConfig]) -> Iterator[tuple[str, str, str]]:
    """(cluster, other cluster, other's trust domain) for each pair where
    ``cluster`` would not accept the other's workload identities.

    A proxy accepts a peer whose SPIFFE identity is in its own trust domain
    or one of its aliases, and authorization policies match ``cluster.local``
    principals against exactly those; so every cluster of a mesh needs the
    same trust domain, or each other's in ``trustDomainAliases``.
    """
    for cluster, config in members.items():
        accepted = config.mesh.trust_domains
        for other, peer in members.items():
            theirs = peer.mesh.effective_trust_domain
            if other != cluster and theirs not in accepted:
                yield cluster, other, theirs


def remote_variable_prefix(cluster: str) -> str:
    """``remote_<cluster>`` with '-' as '_': a valid Terraform identifier for any DNS label."""
    return "remote_" + cluster.replace("-", "_")


def check_multicluster(config: MeshConfig) -> None:
    """Rules inside one cluster's config; the cross-cluster ones are the fleet's."""
    eastwest = [i for i, g in enumerate(config.gateways) if g.kind == EASTWEST_KIND]
    mc = config.multicluster
    if mc is None:
        if eastwest:
            raise RuleViolation(
                ("gateways", eastwest[0], "kind"),
                "an east-west gateway joins networks of a multicluster mesh; "
                "set multicluster (clusterName, network) first",
            )
        return
    for i in eastwest:
        if "ports" in config.gateways[i].service.model_fields_set:
            raise RuleViolation(
                ("gateways", i, "service", "ports"),
                "an east-west gateway's ports are the cross-network ones the chart sets "
                "(15021, 15443, 15012, 15017); remove ports",
            )
    if config.mesh.mesh_id is None:
        raise RuleViolation(
            ("mesh", "meshId"),
            "is required with multicluster: every cluster of the mesh must set the same one",
        )
    if mc.root_cert_sha256 is not None and config.ca.mode != "plugin":
        raise RuleViolation(
            ("multicluster", "rootCertSha256"),
            f"checks the plug-in CA's root; it needs ca.mode: plugin (mode is {config.ca.mode})",
        )
    if mc.is_remote:
        _check_remote(config)
    else:
        _check_primary(mc, has_eastwest=bool(eastwest))


def _check_primary(mc: MulticlusterSettings, *, has_eastwest: bool) -> None:
    where = ("multicluster",)
    for field, value in (("primaryCluster", mc.primary_cluster), ("primaryAddress", mc.primary_address)):
        if value is not None:
            raise RuleViolation((*where, field), "only used with role: remote")
    if mc.cluster_name in mc.remote_secrets:
        raise RuleViolation(
            (*where, "remoteSecrets"),
            f"{mc.cluster_name!a} is this cluster; istiod reads its own API server directly",
        )
    seen = list(mc.remote_secrets)
    for i, name in enumerate(seen):
        if name in seen[:i]:
            raise RuleViolation((*where, "remoteSecrets", i), f"{name!a} is listed twice")
    if mc.external_istiod and not has_eastwest:
        raise RuleViolation(
            (*where, "externalIstiod"),
            "remote clusters reach istiod through an east-west gateway; add a gateway "
            "with kind: eastwest",
        )


def _check_remote(config: MeshConfig) -> None:
    mc = config.multicluster
    assert mc is not None
    where = ("multicluster",)
    for field, value in (("primaryCluster", mc.primary_cluster), ("primaryAddress", mc.primary_address)):
        if value is None:
            raise RuleViolation((*where, field), "is required with role: remote")
    if mc.primary_cluster == mc.cluster_name:
        raise RuleViolation(
            (*where, "primaryCluster"), "names this cluster; a remote needs another cluster's istiod"
        )
    if mc.remote_secrets or mc.external_istiod:
        field = "remoteSecrets" if mc.remote_secrets else "externalIstiod"
        raise RuleViolation((*where, field), "only used with role: primary; a remote runs no istiod")
    if config.ca.mode != "istiod":
        raise RuleViolation(
            ("ca", "mode"),
            f"{config.ca.mode!a} configures istiod's CA; a remote runs no istiod and gets "
            f"certificates from its primary: leave ca unset",
        )
    if config.revisions or config.revision_tags:
        raise RuleViolation(
            ("revisions" if config.revisions else "revisionTags",),
            "a remote cluster installs one remote istiod chart; revisions belong to its primary",
        )
    if config.istio.profile == "ambient":
        raise RuleViolation(
            ("istio", "profile"),
            "ambient remote clusters are not supported here; use role: primary",
        )

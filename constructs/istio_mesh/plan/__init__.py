"""The mesh plan: what each stack creates and in what order, as plain data.

A pure function of a validated config (:func:`cluster_plan`), between the
config models and the constructs. Constructs only render its items; the
stack outputs, whether a stack needs the Kubernetes provider, the required
Terraform version and the deploy graph all read the same plan, so none of
them can disagree with what is created. Nothing here imports cdktf.
"""

from __future__ import annotations

from dataclasses import dataclass

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan.items import (
    HelmReleaseItem,
    Item,
    KubernetesItem,
    ManifestItem,
    NamespaceItem,
    NamespaceMetadataItem,
    SecretItem,
    Variable,
)
from istio_mesh.plan.mesh import MeshPlan, RevisionTagItems, mesh_plan
from istio_mesh.plan.outputs import MeshOutput, mesh_outputs
from istio_mesh.plan.policies import PoliciesPlan, policies_plan


@dataclass(frozen=True)
class ClusterPlan:
    """Both stacks of one cluster: the mesh, then the policies after it."""

    mesh: MeshPlan
    policies: PoliciesPlan
    outputs: tuple[MeshOutput, ...]


def cluster_plan(config: MeshConfig) -> ClusterPlan:
    """The plan of both stacks for one cluster config."""
    mesh = mesh_plan(config)
    return ClusterPlan(mesh, policies_plan(config), tuple(mesh_outputs(config, mesh)))


__all__ = [
    "ClusterPlan",
    "HelmReleaseItem",
    "Item",
    "KubernetesItem",
    "ManifestItem",
    "MeshOutput",
    "MeshPlan",
    "NamespaceItem",
    "NamespaceMetadataItem",
    "PoliciesPlan",
    "RevisionTagItems",
    "SecretItem",
    "Variable",
    "cluster_plan",
    "mesh_outputs",
    "mesh_plan",
    "policies_plan",
]

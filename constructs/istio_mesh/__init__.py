"""istio-mesh: Istio installed by ordered Helm releases, configured from one
validated YAML file per cluster, as CDK for Terraform constructs and stacks.

The public API, all importable from here:

- config: :func:`load_config`, :func:`load_configs`, :func:`parse_config`,
  :func:`load_fleet` (every cluster of a fleet file),
  :class:`MeshConfig` and its section models, :class:`ConfigError`;
- the mesh in any stack: :class:`IstioMesh` (Helm releases) and
  :class:`IstioPolicies` (namespaces, PeerAuthentication), each given the
  cluster's plan (``plan=cluster_plan(config)``, or ``from_config``) and
  the providers the stack configures; :class:`MeshOutputs`; what a construct
  refuses, it raises as :class:`ConstructError` (a ``ValueError`` naming
  the construct path);
- one construct per component: :class:`IstioBase`, :class:`IstioCni`,
  :class:`Istiod`, :class:`RevisionTag`, :class:`IstioGateway`,
  :class:`Ztunnel`, :class:`MeshNamespace`, :class:`PeerAuthentication`,
  :class:`Waypoint`; :func:`control_planes` and :class:`ControlPlane` say
  which istiod revisions a config installs;
- ready-made stacks: :class:`MeshStack`, :class:`PoliciesStack`,
  :func:`build_app`;
- the plan as data: :func:`cluster_plan` (what both stacks create, in what
  order, with Terraform addresses), :class:`ClusterPlan`, :class:`MeshPlan`,
  :class:`PoliciesPlan`;
- outputs as data: :func:`mesh_outputs`, :data:`OUTPUT_NAMES`.

Config names are plain imports. Construct names are imported on first use
(PEP 562): importing cdktf starts the jsii runtime, which costs a second or
more, and validating a config should not pay for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from istio_mesh.config.backend import (
    AzurermBackend,
    CloudBackend,
    CloudWorkspaces,
    GcsBackend,
    LocalBackend,
    S3Backend,
)
from istio_mesh.config.control_planes import ControlPlane, control_planes
from istio_mesh.config.credentials import ExecConnection
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.fleet import load_fleet
from istio_mesh.config.loader import load_config, load_configs, parse_config
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.connection import KubeconfigConnection, VariablesConnection
from istio_mesh.config.gateways import GatewaySettings
from istio_mesh.config.istio import HelmSettings, IstioSettings
from istio_mesh.config.istiod import IstiodSettings, RevisionSettings
from istio_mesh.config.mesh_settings import MeshSettings
from istio_mesh.config.namespaces import MtlsMode, MtlsSettings, NamespaceSettings
from istio_mesh.config.node_agents import CniSettings, ZtunnelSettings
from istio_mesh.config.multicluster import MulticlusterSettings
from istio_mesh.plan import ClusterPlan, MeshPlan, PoliciesPlan, cluster_plan
from istio_mesh.plan.outputs import OUTPUT_NAMES, MeshOutput, mesh_outputs
from istio_mesh.config.versions import DEFAULT_ISTIO_VERSION

if TYPE_CHECKING:
    from istio_mesh.app import build_app
    from istio_mesh.components import (
        ConstructError,
        IstioBase,
        IstioCni,
        IstioGateway,
        IstioMesh,
        IstioPolicies,
        Istiod,
        MeshNamespace,
        MeshOutputs,
        PeerAuthentication,
        RevisionTag,
        Waypoint,
        Ztunnel,
    )
    from istio_mesh.stacks import MeshStack, PoliciesStack

__version__ = "0.1.0"
"""Semantic version of this package; pyproject.toml and CHANGELOG.md agree (tested)."""

_NEEDS_JSII = {
    "ConstructError": "istio_mesh.components",
    "IstioBase": "istio_mesh.components",
    "IstioCni": "istio_mesh.components",
    "IstioGateway": "istio_mesh.components",
    "IstioMesh": "istio_mesh.components",
    "IstioPolicies": "istio_mesh.components",
    "Istiod": "istio_mesh.components",
    "MeshNamespace": "istio_mesh.components",
    "MeshOutputs": "istio_mesh.components",
    "PeerAuthentication": "istio_mesh.components",
    "RevisionTag": "istio_mesh.components",
    "Waypoint": "istio_mesh.components",
    "Ztunnel": "istio_mesh.components",
    "MeshStack": "istio_mesh.stacks",
    "PoliciesStack": "istio_mesh.stacks",
    "build_app": "istio_mesh.app",
}

__all__ = [
    "AzurermBackend",
    "CloudBackend",
    "CloudWorkspaces",
    "ClusterPlan",
    "CniSettings",
    "ConfigError",
    "ConstructError",
    "ControlPlane",
    "DEFAULT_ISTIO_VERSION",
    "ExecConnection",
    "GatewaySettings",
    "GcsBackend",
    "HelmSettings",
    "IstioBase",
    "IstioCni",
    "IstioGateway",
    "IstioMesh",
    "IstioPolicies",
    "IstioSettings",
    "Istiod",
    "IstiodSettings",
    "KubeconfigConnection",
    "LocalBackend",
    "MeshConfig",
    "MeshNamespace",
    "MeshOutput",
    "MeshOutputs",
    "MeshPlan",
    "MeshSettings",
    "MeshStack",
    "MtlsMode",
    "MtlsSettings",
    "MulticlusterSettings",
    "NamespaceSettings",
    "OUTPUT_NAMES",
    "PeerAuthentication",
    "PoliciesPlan",
    "PoliciesStack",
    "RevisionSettings",
    "RevisionTag",
    "S3Backend",
    "VariablesConnection",
    "Waypoint",
    "Ztunnel",
    "ZtunnelSettings",
    "__version__",
    "build_app",
    "cluster_plan",
    "control_planes",
    "load_config",
    "load_configs",
    "load_fleet",
    "mesh_outputs",
    "parse_config",
]


def __getattr__(name: str) -> Any:
    module = _NEEDS_JSII.get(name)
    if module is None:
        raise AttributeError(f"module 'istio_mesh' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

"""Every config model under one import path.

The models live beside their rules, one module per config section
(:mod:`~istio_mesh.config.istio`, :mod:`~istio_mesh.config.istiod`,
:mod:`~istio_mesh.config.gateways`, :mod:`~istio_mesh.config.namespaces`, ...),
and :class:`MeshConfig` with the rules across sections in
:mod:`~istio_mesh.config.cluster`. This module keeps the names importable from
where they have always been.
"""

from __future__ import annotations

from istio_mesh.config.backend import Backend, LocalBackend
from istio_mesh.config.base import DnsLabel, MeshModel, ResourceList, Resources
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.compat import KubernetesVersion
from istio_mesh.config.connection import Connection, KubeconfigConnection, VariablesConnection
from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.credentials import ExecConnection
from istio_mesh.config.egress import EgressSettings
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.extra_resources import ExtraResource
from istio_mesh.config.gateways import (
    GATEWAY_CHART_LIMITS,
    GatewayService,
    GatewaySettings,
    ServicePort,
)
from istio_mesh.config.istio import (
    ISTIO_CHART_REPOSITORY,
    HelmSettings,
    IstioSettings,
    Platform,
    supported_version,
)
from istio_mesh.config.istiod import IstiodSettings, RevisionSettings
from istio_mesh.config.lint import Environment, LintSettings
from istio_mesh.config.mesh_settings import (
    PROXY_CHART_LIMITS,
    AccessLog,
    MeshSettings,
    OutboundTrafficPolicy,
    ProxySettings,
    Tracing,
)
from istio_mesh.config.multicluster import MulticlusterSettings
from istio_mesh.config.namespaces import (
    MANAGED_NAMESPACE_LABELS,
    RESERVED_NAMESPACES,
    MtlsMode,
    MtlsSettings,
    NamespaceSettings,
)
from istio_mesh.config.node_agents import CniSettings, ZtunnelSettings
from istio_mesh.config.protection import ProtectionSettings
from istio_mesh.config.scaling import Autoscaling, Spread
from istio_mesh.config.security import AuthorizationSettings, CertificateAuthority
from istio_mesh.config.sidecars import SidecarScopeSettings
from istio_mesh.config.versions import DEFAULT_ISTIO_VERSION, MIN_ISTIO_VERSION, parse_version

__all__ = [
    "DEFAULT_ISTIO_VERSION", "GATEWAY_CHART_LIMITS", "ISTIO_CHART_REPOSITORY",
    "MANAGED_NAMESPACE_LABELS", "MIN_ISTIO_VERSION", "PROXY_CHART_LIMITS",
    "RESERVED_NAMESPACES", "AccessLog", "AuthorizationSettings", "Autoscaling", "Backend",
    "CertificateAuthority", "CniSettings", "Connection", "DnsLabel", "EgressSettings",
    "Environment", "ExecConnection", "ExtraResource", "GatewayService", "GatewaySettings",
    "HelmSettings", "IstioSettings", "IstiodSettings", "KubeconfigConnection",
    "KubernetesVersion", "LintSettings", "LocalBackend", "MeshConfig", "MeshModel",
    "MeshSettings", "MtlsMode", "MtlsSettings", "MulticlusterSettings", "NamespaceSettings",
    "OutboundTrafficPolicy", "Platform", "ProtectionSettings", "ProxySettings", "ResourceList",
    "Resources", "RevisionSettings", "RuleViolation", "ServicePort", "SidecarScopeSettings",
    "Spread", "Tracing", "VariablesConnection", "ZtunnelSettings", "control_planes",
    "parse_version", "supported_version",
]

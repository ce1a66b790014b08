"""One construct per Istio component; each renders its items of the mesh plan
(:mod:`istio_mesh.plan`) and takes the upstream objects it must follow and
the provider to use. :class:`IstioMesh` and :class:`IstioPolicies` compose
them for any stack, ours or a consumer's. What a construct refuses it raises
as :class:`ConstructError`, naming its construct path."""

from istio_mesh.components.authorization import AuthorizationPolicies
from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
from istio_mesh.components.cross_network import CrossNetworkGateways
from istio_mesh.components.egress import EgressControl
from istio_mesh.components.errors import ConstructError
from istio_mesh.components.extra_resources import ExtraResources
from istio_mesh.components.gateway import IstioGateway
from istio_mesh.components.gateway_api import GatewayApiIngress
from istio_mesh.components.gateway_api_crds import GatewayApiCrds
from istio_mesh.components.istiod import Istiod
from istio_mesh.components.manifest import IstioManifest, ManifestSet
from istio_mesh.components.mesh import IstioMesh
from istio_mesh.components.multicluster import ClusterNetwork, RemoteSecrets
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.components.outputs import MeshOutputs
from istio_mesh.components.peer_authentication import PeerAuthentication
from istio_mesh.components.plugin_ca import PluginCaCerts
from istio_mesh.components.policies import IstioPolicies
from istio_mesh.components.release import IstioChart
from istio_mesh.components.revision_tag import RevisionTag
from istio_mesh.components.secret import WriteOnlySecret
from istio_mesh.components.sidecar_scope import SidecarScope
from istio_mesh.components.telemetry import PrometheusMonitors, TelemetryResources
from istio_mesh.components.waypoint import Waypoint
from istio_mesh.components.ztunnel import Ztunnel

__all__ = [
    "AuthorizationPolicies",
    "ClusterNetwork",
    "ConstructError",
    "CrossNetworkGateways",
    "EgressControl",
    "ExtraResources",
    "GatewayApiCrds",
    "GatewayApiIngress",
    "IstioBase",
    "IstioChart",
    "IstioCni",
    "IstioGateway",
    "IstioManifest",
    "IstioMesh",
    "IstioPolicies",
    "Istiod",
    "ManifestSet",
    "MeshNamespace",
    "MeshOutputs",
    "PeerAuthentication",
    "PluginCaCerts",
    "PrometheusMonitors",
    "RemoteSecrets",
    "RevisionTag",
    "SidecarScope",
    "TelemetryResources",
    "Waypoint",
    "WriteOnlySecret",
    "Ztunnel",
]

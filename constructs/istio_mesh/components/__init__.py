"""One construct per Istio component; each takes validated, frozen config and
the upstream construct it must follow. :class:`IstioMesh` and
:class:`IstioPolicies` compose them for any stack, ours or a consumer's."""

from istio_mesh.components.authorization import AuthorizationPolicies
from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
from istio_mesh.components.egress import EgressControl
from istio_mesh.components.extra_resources import ExtraResources
from istio_mesh.components.gateway import IstioGateway
from istio_mesh.components.istiod import Istiod
from istio_mesh.components.mesh import IstioMesh
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.components.outputs import MeshOutputs
from istio_mesh.components.peer_authentication import PeerAuthentication
from istio_mesh.components.policies import IstioPolicies
from istio_mesh.components.revision_tag import RevisionTag
from istio_mesh.components.waypoint import Waypoint
from istio_mesh.components.ztunnel import Ztunnel
from istio_mesh.components.plugin_ca import PluginCaCerts
from istio_mesh.components.sidecar_scope import SidecarScope

__all__ = [
    "AuthorizationPolicies",
    "EgressControl",
    "ExtraResources",
    "IstioBase",
    "IstioCni",
    "IstioGateway",
    "IstioMesh",
    "IstioPolicies",
    "Istiod",
    "MeshNamespace",
    "MeshOutputs",
    "PeerAuthentication",
    "RevisionTag",
    "Waypoint",
    "Ztunnel",
    "PluginCaCerts",
    "SidecarScope",
]

"""One construct per Istio component; each takes validated, frozen config and
the upstream construct it must follow."""

from istio_mesh.components.authorization import AuthorizationPolicies
from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
from istio_mesh.components.egress import EgressControl
from istio_mesh.components.extra_resources import ExtraResources
from istio_mesh.components.gateway import IstioGateway
from istio_mesh.components.istiod import Istiod
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.components.peer_authentication import PeerAuthentication
from istio_mesh.components.plugin_ca import PluginCaCerts
from istio_mesh.components.sidecar_scope import SidecarScope

__all__ = [
    "AuthorizationPolicies",
    "EgressControl",
    "ExtraResources",
    "IstioBase",
    "IstioCni",
    "IstioGateway",
    "Istiod",
    "MeshNamespace",
    "PeerAuthentication",
    "PluginCaCerts",
    "SidecarScope",
]

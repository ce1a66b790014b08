"""One construct per Istio component; each takes validated, frozen config and
the upstream construct it must follow. :class:`IstioMesh` and
:class:`IstioPolicies` compose them for any stack, ours or a consumer's."""

from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
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

__all__ = [
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
]

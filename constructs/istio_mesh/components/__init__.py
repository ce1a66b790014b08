"""One construct per Istio component; each takes validated, frozen config and
the upstream construct it must follow."""

from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
from istio_mesh.components.gateway import IstioGateway
from istio_mesh.components.istiod import Istiod
from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.components.peer_authentication import PeerAuthentication

__all__ = [
    "IstioBase",
    "IstioCni",
    "IstioGateway",
    "Istiod",
    "MeshNamespace",
    "PeerAuthentication",
]

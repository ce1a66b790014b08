"""Chart values as pure functions of the config: config in, plain dict out.

Nothing here imports cdktf, so every rule about what the charts receive is
unit-tested in milliseconds; the constructs only pass the result to Helm as
JSON text.
"""

from istio_mesh.values.base import base_values
from istio_mesh.values.cni import cni_values
from istio_mesh.values.gateway import gateway_values
from istio_mesh.values.istiod import istiod_values
from istio_mesh.values.ztunnel import ztunnel_values

__all__ = ["base_values", "cni_values", "gateway_values", "istiod_values", "ztunnel_values"]

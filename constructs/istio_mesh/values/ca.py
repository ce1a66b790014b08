"""istiod chart values for the certificate authority.

Plug-in CA needs no values: istiod always mounts the optional ``cacerts``
secret and signs with it when it exists at start-up, which is why the mesh
stack creates the secret before the istiod release. An external CA (for
example cert-manager istio-csr) needs istiod's CA server off and every proxy
pointed at the external address; the chart's injection templates copy
``global.caAddress`` into each proxy's ``CA_ADDR``. istiod's own serving
certificate then comes from the ``istiod-tls`` secret istio-csr writes, which
the chart mounts when present.
"""

from __future__ import annotations

from typing import Any

from istio_mesh.config.cluster import MeshConfig


def ca_values(config: MeshConfig) -> dict[str, Any]:
    """Values to merge into the istiod chart's (empty unless the CA is external)."""
    ca = config.ca
    if ca.mode != "external":
        return {}
    return {
        "global": {"caAddress": ca.address},
        # Chart env values are rendered as quoted strings; istiod parses "false".
        "env": {"ENABLE_CA_SERVER": "false"},
    }

"""PeerAuthentication policies (mutual TLS), as ``kubernetes_manifest``."""

from __future__ import annotations

from istio_mesh.components.manifest import IstioManifest


class PeerAuthentication(IstioManifest):
    """The namespace-wide PeerAuthentication ``default`` of one namespace.

    In the root namespace it is the mesh-wide policy. Lives in the policies
    stack: ``kubernetes_manifest`` reads the CRD at plan time, so it cannot
    share a stack with the release that installs the CRDs.

    Takes :class:`IstioManifest`'s arguments.
    """

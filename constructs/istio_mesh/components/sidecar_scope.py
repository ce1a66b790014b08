"""Default Sidecar per onboarded namespace (networking.istio.io/v1)."""

from __future__ import annotations

from istio_mesh.components.manifest import ManifestSet


class SidecarScope(ManifestSet):
    """One Sidecar named ``default`` per onboarded namespace with sidecar
    injection, created after the namespace it lives in.

    Takes :class:`ManifestSet`'s arguments.
    """

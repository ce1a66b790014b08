"""AuthorizationPolicies (security.istio.io/v1), as ``kubernetes_manifest``."""

from __future__ import annotations

from istio_mesh.components.manifest import ManifestSet


class AuthorizationPolicies(ManifestSet):
    """The allow rules, the gateways' ALLOW policies and, when configured, the
    mesh-wide default deny.

    The default deny comes after every ALLOW policy (the plan says so):
    Terraform creates it last and destroys it first, so no apply passes
    through a moment in which traffic the config allows is refused.

    Takes :class:`ManifestSet`'s arguments.
    """

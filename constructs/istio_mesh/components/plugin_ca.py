"""The plug-in CA: Istio's ``cacerts`` secret from sensitive Terraform variables."""

from __future__ import annotations

from istio_mesh.components.secret import WriteOnlySecret


class PluginCaCerts(WriteOnlySecret):
    """The ``cacerts`` secret in istiod's namespace, created before istiod.

    istiod signs with the secret's CA only if the secret exists when it
    starts (otherwise it creates a self-signed root and keeps using it), so
    every istiod release comes after this construct, which follows ``base``:
    the base release creates the namespace. Rotating means new variable
    values and a higher ``ca.revision``. The variables and the key names are
    in :mod:`istio_mesh.plan.secrets`.

    Takes :class:`WriteOnlySecret`'s arguments.
    """

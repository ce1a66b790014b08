"""User-supplied Istio resources, applied as written."""

from __future__ import annotations

from istio_mesh.components.manifest import ManifestSet


class ExtraResources(ManifestSet):
    """``extraResources`` from the config, each a ``kubernetes_manifest``
    addressed ``extra_<kind>_<namespace>_<name>`` (see
    :data:`istio_mesh.plan.policies.EXTRA_PREFIX`).

    Takes :class:`ManifestSet`'s arguments.
    """

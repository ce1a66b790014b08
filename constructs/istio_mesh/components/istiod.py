"""The control plane (the ``istiod`` chart), one release per revision."""

from __future__ import annotations

from istio_mesh.components.release import IstioChart


class Istiod(IstioChart):
    """One istiod revision and its injection and validation webhooks.

    Follows ``base`` (it serves the CRDs' kinds), in sidecar mode with CNI
    the CNI agent (see :class:`IstioCni`), the plug-in CA's secret (see
    :class:`PluginCaCerts`) and, in a multicluster mesh, the root
    namespace's network label (see :class:`ClusterNetwork`). Revisions are
    independent releases (``istiod-<revision>``) so one can be added or
    removed without touching another.

    Takes :class:`IstioChart`'s arguments.
    """

    @property
    def revision(self) -> str:
        """The revision this release serves (``default``: un-revisioned)."""
        return self.item.revision or "default"

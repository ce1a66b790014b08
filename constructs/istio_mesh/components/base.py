"""Istio's CRDs and cluster-wide resources (the ``base`` chart)."""

from __future__ import annotations

from istio_mesh.components.release import IstioChart


class IstioBase(IstioChart):
    """First release of every mesh: everything else needs its CRDs.

    The CRDs carry ``helm.sh/resource-policy: keep``, so destroying this
    release leaves them (and every Istio resource) in the cluster. With
    ``protection.preventDestroy`` Terraform refuses to destroy it at all, and
    with it any plan that would take the whole mesh down.

    Takes :class:`IstioChart`'s arguments.
    """

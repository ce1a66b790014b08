"""The Kubernetes Gateway API CRDs, from the chart this package ships."""

from __future__ import annotations

from istio_mesh.components.release import IstioChart


class GatewayApiCrds(IstioChart):
    """A ``helm_release`` of ``istio_mesh/charts/gateway-api-crds``: the
    unchanged kubernetes-sigs/gateway-api bundle of one channel, each object
    annotated ``helm.sh/resource-policy: keep`` so neither an uninstall nor an
    upgrade that drops a CRD deletes it (or the Gateways and routes stored
    under it), with a guard that refuses to replace CRDs the cluster has at a
    newer bundle version. Installed after base and before istiod.

    Why a Helm release and not ``kubernetes_manifest``: the provider refuses
    manifests carrying ``status`` (hashicorp/terraform-provider-kubernetes#2739),
    which every published CRD does, and has reported inconsistent results
    after applying CRDs (#1493); Helm applies the bundle as published.

    Takes :class:`IstioChart`'s arguments.
    """

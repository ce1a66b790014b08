"""Values shared by several charts: images, replica counts, placement."""

from __future__ import annotations

from typing import Any

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.istio import IstioSettings
from istio_mesh.config.scaling import Autoscaling, Spread

HOSTNAME = "kubernetes.io/hostname"


def image_globals(istio: IstioSettings) -> dict[str, Any]:
    """``global`` image settings. The registry is always named (``hub``, else
    Istio's own), so the synthesized values say where every image comes from
    whatever the chart's packaged default is; an unset tag stays the chart's
    (its own version)."""
    out: dict[str, Any] = {"hub": istio.image_hub}
    if istio.tag:
        out["tag"] = istio.tag
    if istio.image_pull_secrets:
        out["imagePullSecrets"] = list(istio.image_pull_secrets)
    return out


def profile_selectors(istio: IstioSettings) -> dict[str, Any]:
    """Top-level ``platform`` and ``profile``, which each chart's zzz_profile.yaml
    turns into the platform's CNI paths and the ambient settings (istiod's
    PILOT_ENABLE_AMBIENT, the CNI agent's ambient redirection, HBONE). Every
    chart gets the same profile, as Istio's ambient install requires."""
    out: dict[str, Any] = {}
    if istio.platform.value:
        out["platform"] = istio.platform.value
    if istio.profile != "default":
        out["profile"] = istio.profile
    return out


def chart_globals(config: MeshConfig) -> dict[str, Any]:
    """The ``global`` block every Istio chart that reads it should agree on."""
    return {"istioNamespace": config.istio_namespace, **image_globals(config.istio)}


def has_disruption_budget(replicas: int) -> bool:
    """A PDB only where it protects something: with one replica it would block
    every node drain, since that pod can never be evicted."""
    return replicas >= 2


def scheduling(spread: Spread, pod_labels: dict[str, str]) -> dict[str, Any]:
    """``affinity`` and ``topologySpreadConstraints`` that keep replicas apart."""
    out: dict[str, Any] = {}
    selector = {"matchLabels": dict(pod_labels)}
    if spread.anti_affinity == "required":
        out["affinity"] = {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": selector, "topologyKey": HOSTNAME}
                ]
            }
        }
    elif spread.anti_affinity == "preferred":
        out["affinity"] = {
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 100,
                        "podAffinityTerm": {"labelSelector": selector, "topologyKey": HOSTNAME},
                    }
                ]
            }
        }
    if spread.topology_key:
        out["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": spread.topology_key,
                "whenUnsatisfiable": spread.when_unsatisfiable,
                "labelSelector": selector,
            }
        ]
    return out


def replica_floor(replicas: int, autoscaling: Autoscaling) -> tuple[int, int]:
    """(minimum, maximum) pods for a component; equal when the autoscaler is off."""
    if autoscaling.enabled:
        return replicas, max(replicas, autoscaling.max_replicas)
    return replicas, replicas

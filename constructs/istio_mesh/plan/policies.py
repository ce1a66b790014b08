"""What the policies stack creates, in what order: a pure function of the config.

Namespaces first, then every Istio custom resource, each after the namespace
it lives in when this stack onboards that namespace. The stack is planned
after the mesh stack is applied: ``kubernetes_manifest`` needs the CRDs at
plan time (hashicorp/terraform-provider-kubernetes#1367).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.objects import PEER_AUTHENTICATION_NAME, resource_address
from istio_mesh.plan.items import Item, ManifestItem, NamespaceItem
from istio_mesh.plan.ownership import FIELD_MANAGER
from istio_mesh.manifests.authorization import allow_policies, default_deny
from istio_mesh.manifests.egress import egress_manifests
from istio_mesh.manifests.gateway_api import gateway_api_gateways, gateway_manifest, http_route_manifest
from istio_mesh.manifests.namespaces import mtls_policies, namespace_labels, peer_authentication, waypoint
from istio_mesh.manifests.multicluster import multicluster_manifests
from istio_mesh.manifests.observability import observability_manifests
from istio_mesh.manifests.sidecars import sidecar_manifests
from istio_mesh.manifests.telemetry import monitor_manifests, telemetry_manifests

EXTRA_PREFIX = "extra_"
"""Keeps user objects' Terraform addresses apart from generated ones."""


@dataclass(frozen=True)
class PoliciesPlan:
    """The policies stack's objects in creation order, grouped by purpose."""

    namespaces: tuple[NamespaceItem, ...]
    peer_authentications: tuple[ManifestItem, ...]
    waypoints: tuple[ManifestItem, ...]
    authorization: tuple[ManifestItem, ...]
    """The ALLOW policies, then the mesh-wide default deny (when configured),
    which comes after every one of them: created last, destroyed first, so no
    apply passes through a moment in which allowed traffic is refused."""
    egress: tuple[ManifestItem, ...]
    sidecars: tuple[ManifestItem, ...]
    extra_resources: tuple[ManifestItem, ...]
    cross_network: tuple[ManifestItem, ...]
    telemetry: tuple[ManifestItem, ...] = ()
    """The mesh-wide Telemetry (root namespace), then each namespace override."""
    monitors: tuple[ManifestItem, ...] = ()
    """prometheus-operator's PodMonitor and ServiceMonitor, when enabled: the
    cluster must have their CRDs (this library does not install them)."""
    observability: tuple[ManifestItem, ...] = ()
    """The ``observability:`` section's monitors, alert rules (prometheus-operator's
    CRDs must exist: the config says so with ``prometheusOperator: installed``)
    and dashboard ConfigMaps."""
    gateway_api: tuple[ManifestItem, ...] = ()
    """Gateway API ingress (``api: gateway-api``): each Gateway, then its
    HTTPRoutes (after it). Their namespace, when nothing else creates it, is
    in :attr:`namespaces`."""

    @property
    def items(self) -> tuple[Item, ...]:
        return (
            *self.namespaces,
            *self.manifests,
        )

    @property
    def manifests(self) -> tuple[ManifestItem, ...]:
        """Every ``kubernetes_manifest``, in creation order."""
        return (
            *self.peer_authentications,
            *self.waypoints,
            *self.authorization,
            *self.egress,
            *self.sidecars,
            *self.extra_resources,
            *self.cross_network,
            *self.telemetry,
            *self.monitors,
            *self.observability,
            *self.gateway_api,
        )


class _Placer:
    """Builds manifest items that wait for the namespace they live in, when
    this stack onboards it."""

    def __init__(self, namespaces: Mapping[str, NamespaceItem]) -> None:
        self._namespaces = namespaces

    def after_namespace(self, namespace: str, after: Iterable[str] = ()) -> tuple[str, ...]:
        onboarded = self._namespaces.get(namespace)
        return (*after, *([onboarded.address] if onboarded else []))

    def manifest(
        self, manifest: Mapping[str, Any], *, after: Iterable[str] = (), prefix: str = ""
    ) -> ManifestItem:
        """Addressed ``<prefix><kind>_<namespace>_<name>`` (see
        :func:`istio_mesh.config.objects.resource_address`): adding or
        reordering config entries moves no other resource's state."""
        return ManifestItem(
            resource_address(manifest, prefix=prefix),
            manifest,
            self.after_namespace(manifest["metadata"]["namespace"], after),
        )

    def manifests(self, manifests: Iterable[Mapping[str, Any]], prefix: str = "") -> tuple[ManifestItem, ...]:
        return tuple(self.manifest(m, prefix=prefix) for m in manifests)


def _gateway_namespaces(config: MeshConfig, onboarded: Mapping[str, NamespaceItem]) -> dict[str, NamespaceItem]:
    """The namespace of each gateway-api gateway, created here unless the
    config onboards it or a chart gateway's release creates it (Helm's
    ``create_namespace``, in the mesh stack)."""
    by_chart = {g.resolved_namespace for g in config.gateways if g.api == "chart"}
    return {
        g.resolved_namespace: NamespaceItem(g.resolved_namespace, True, {}, FIELD_MANAGER)
        for g in gateway_api_gateways(config)
        if g.resolved_namespace not in onboarded and g.resolved_namespace not in by_chart
    }


def _gateway_api(config: MeshConfig, place: _Placer) -> tuple[ManifestItem, ...]:
    """Each Gateway (``gateway_<namespace>_<name>``), then its routes
    (``http_route_<namespace>_<name>``, after the Gateway they attach to)."""
    items: list[ManifestItem] = []
    for gateway in gateway_api_gateways(config):
        parent = place.manifest(gateway_manifest(gateway))
        items.append(parent)
        for route in gateway.routes:
            manifest = http_route_manifest(gateway, route)
            namespace, name = manifest["metadata"]["namespace"], manifest["metadata"]["name"]
            items.append(ManifestItem(
                f"http_route_{namespace}_{name}",
                manifest,
                place.after_namespace(namespace, [parent.address]),
            ))
    return tuple(items)


def policies_plan(config: MeshConfig) -> PoliciesPlan:
    """Every object of the policies stack for ``config``, in creation order."""
    namespaces = {
        ns.name: NamespaceItem(ns.name, ns.create, namespace_labels(ns), FIELD_MANAGER)
        for ns in config.namespaces
    }
    namespaces.update(_gateway_namespaces(config, namespaces))
    place = _Placer(namespaces)
    # PeerAuthentication and waypoints predate the kind_namespace_name scheme;
    # their addresses stay as they were, since renaming one moves state.
    peer_authentications = tuple(
        ManifestItem(
            f"peer_authentication_{namespace}",
            peer_authentication(PEER_AUTHENTICATION_NAME, namespace, mode),
            place.after_namespace(namespace),
        )
        for namespace, mode in mtls_policies(config)
    )
    waypoints = tuple(
        ManifestItem(f"waypoint_{ns.name}", waypoint(ns.name), place.after_namespace(ns.name))
        for ns in config.namespaces
        if ns.waypoint
    )
    allows = place.manifests(allow_policies(config))
    deny = (
        (place.manifest(default_deny(config), after=[a.address for a in allows]),)
        if config.authorization.default_deny
        else ()
    )
    return PoliciesPlan(
        namespaces=tuple(namespaces.values()),
        peer_authentications=peer_authentications,
        waypoints=waypoints,
        authorization=(*allows, *deny),
        egress=place.manifests(egress_manifests(config)),
        sidecars=place.manifests(sidecar_manifests(config)),
        extra_resources=place.manifests(
            (extra.manifest() for extra in config.extra_resources), prefix=EXTRA_PREFIX
        ),
        cross_network=place.manifests(multicluster_manifests(config)),
        telemetry=place.manifests(telemetry_manifests(config)),
        monitors=place.manifests(monitor_manifests(config)),
        observability=place.manifests(observability_manifests(config)),
        gateway_api=_gateway_api(config, place),
    )

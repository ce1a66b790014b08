"""Which config field produced each planned object, and which field inside
that entry produced a field of the object.

A refusal names what the user wrote, not what the package generated: an
HTTPRoute's ``spec.rules[1].matches[0].path.value`` is the route's
``rules[1].path``. Objects whose fields have no finer mapping are named by
the entry (or section) that produced them, with the object field after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from dataclasses import field as default

from istio_mesh.config.errors import format_path
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.objects import Identity
from istio_mesh.plan import ClusterPlan, HelmReleaseItem, Item, ManifestItem, NamespaceItem
from istio_mesh.manifests.gateway_api import gateway_manifest, http_route_manifest
from istio_mesh.manifests.telemetry import telemetry_manifests

Path = tuple[str | int, ...]
Translate = Callable[[Path], Path | None]
"""An object field path -> the config field below the entry, or None when
the object field has no config field of its own."""


def identity(manifest: Mapping[str, Any]) -> Identity:
    """Which Kubernetes object a manifest is; a cluster-scoped one has the
    namespace ``""``."""
    group = str(manifest["apiVersion"]).rpartition("/")[0]
    metadata = manifest["metadata"]
    return group, str(manifest["kind"]), str(metadata.get("namespace", "")), str(metadata["name"])


def _none(_: Path) -> Path | None:
    return None


@dataclass(frozen=True)
class Origin:
    """The config entry behind an object, and how its fields map back."""

    field: Path
    translate: Translate = default(default=_none)

    def config_path(self, object_path: Path) -> Path | None:
        """The config field that produced the object field, when one did."""
        below = self.translate(object_path)
        return (*self.field, *below) if below is not None else None

    def at(self, object_path: Path) -> tuple[str, str]:
        """(config field, object field) for a field of the object; the object
        field is empty when the config field names it exactly."""
        below = self.translate(object_path)
        if below is not None:
            return format_path((*self.field, *below)), ""
        return format_path(self.field) or "(top level)", _object_path(object_path)


def _object_path(path: Path) -> str:
    return format_path(path) or "(the object)"


_LISTENER_FIELDS = {"hostname": "hostname", "port": "port", "protocol": "protocol",
                    "name": "name", "tls": "certificateSecret"}


def gateway_fields(path: Path) -> Path | None:
    """A Gateway's fields -> the gateway entry's (``gateways[i]``)."""
    if path[:1] == ("metadata",):
        return ("name",) if path[1:2] == ("name",) else ("namespace",) if path[1:2] == ("namespace",) else None
    if path[:2] == ("spec", "listeners"):
        rest = path[2:]
        if not rest:
            return ("listeners",)
        if len(rest) == 1:
            return ("listeners", rest[0])
        key = _LISTENER_FIELDS.get(str(rest[1]))
        return ("listeners", rest[0], key) if key else ("listeners", rest[0])
    return None


def route_fields(path: Path) -> Path | None:
    """An HTTPRoute's fields -> the route entry's (``gateways[i].routes[j]``)."""
    if path[:1] == ("metadata",):
        return ("name",) if path[1:2] == ("name",) else ("namespace",) if path[1:2] == ("namespace",) else None
    if path[:2] == ("spec", "hostnames"):
        return ("hostnames", *path[2:3])
    if path[:2] == ("spec", "parentRefs"):
        return ("listener",)
    if path[:2] == ("spec", "rules"):
        rest = path[2:]
        if len(rest) < 2:
            return ("rules", *rest)
        rule, part = rest[0], rest[1]
        if part == "matches":
            return ("rules", rule, "path")
        if part == "backendRefs":
            return ("rules", rule, "port" if rest[3:4] == ("port",) else "service")
        if part == "retry":
            return ("rules", rule, "retry", *rest[2:])
        return ("rules", rule)
    return None


_TELEMETRY_SECTIONS = {"tracing": "tracing", "accessLogging": "accessLogging", "metrics": "metrics"}


def telemetry_fields(path: Path) -> Path | None:
    """A Telemetry's fields -> its policy's (``mesh.telemetry[.namespaces.<ns>]``):
    each section is a one-item list in the object and a mapping in the config."""
    if path[:1] != ("spec",) or len(path) < 2:
        return None
    section = _TELEMETRY_SECTIONS.get(str(path[1]))
    if section is None:
        return None
    rest = path[3:] if len(path) > 2 and isinstance(path[2], int) else path[2:]
    if not rest:
        return (section,)
    if rest[0] == "providers":
        return (section, "providers", *rest[1:2])
    return (section, rest[0])


def _extra(path: Path) -> Path | None:
    return path


_KIND_SECTIONS: dict[str, Path] = {
    "AuthorizationPolicy": ("authorization",),
    "PeerAuthentication": ("mtls",),
    "Sidecar": ("sidecars",),
    "ServiceEntry": ("egress",),
    "DestinationRule": ("egress",),
    "VirtualService": ("egress",),
    "Gateway": ("gateways",),
    "PodMonitor": ("mesh", "telemetry", "prometheusOperator"),
    "ServiceMonitor": ("mesh", "telemetry", "prometheusOperator"),
    "MutatingWebhookConfiguration": ("revisionTags",),
    "Service": ("revisionTags",),
}


def _manifest_origins(config: MeshConfig) -> Iterator[tuple[Identity, Origin]]:
    for i, gateway in enumerate(config.gateways):
        if gateway.api != "gateway-api":
            continue
        yield identity(gateway_manifest(gateway)), Origin(("gateways", i), gateway_fields)
        for j, route in enumerate(gateway.routes):
            yield (identity(http_route_manifest(gateway, route)),
                   Origin(("gateways", i, "routes", j), route_fields))
    telemetry = config.mesh.telemetry
    overrides = {ns: ("mesh", "telemetry", "namespaces", ns) for ns in telemetry.namespaces}
    for manifest in telemetry_manifests(config):
        namespace = manifest["metadata"]["namespace"]
        at = overrides.get(namespace, ("mesh", "telemetry"))
        if manifest["metadata"]["name"] == "mesh-default":
            at = ("mesh", "telemetry")
        yield identity(manifest), Origin(at, telemetry_fields)
    for i, extra in enumerate(config.extra_resources):
        yield identity(extra.manifest()), Origin(("extraResources", i), _extra)
    for i, namespace in enumerate(config.namespaces):
        if namespace.waypoint:
            yield ("gateway.networking.k8s.io", "Gateway", namespace.name, "waypoint"), Origin(
                ("namespaces", i, "waypoint"))


def _release_origin(config: MeshConfig, release: HelmReleaseItem) -> Origin:
    if release.component == "gateway":
        for i, gateway in enumerate(config.gateways):
            if gateway.api == "chart" and gateway.name == release.name:
                return Origin(("gateways", i))
    if release.component == "istiod":
        return Origin(("istiod",) if release.revision in (None, "default") else ("revisions",))
    sections: dict[str, Path] = {"base": ("istio",), "cni": ("cni",), "ztunnel": ("ztunnel",),
                                 "gateway-api-crds": ("gatewayApi",)}
    return Origin(sections.get(release.component, ()))


def item_origin(config: MeshConfig, item: Item, manifests: dict[Identity, list[Origin]]) -> list[Origin]:
    """The origins of one plan item (two when two entries produce it)."""
    if isinstance(item, HelmReleaseItem):
        return [_release_origin(config, item)]
    if isinstance(item, NamespaceItem):
        for i, namespace in enumerate(config.namespaces):
            if namespace.name == item.name:
                return [Origin(("namespaces", i))]
        gateways = [Origin(("gateways", i, "namespace")) for i, g in enumerate(config.gateways)
                    if g.resolved_namespace == item.name]
        return gateways[:1] or [Origin(("namespaces",))]
    if isinstance(item, ManifestItem):
        key = identity(item.manifest)
        if key in manifests:
            return manifests[key]
        return [Origin(_KIND_SECTIONS.get(key[1], ()), _none)]
    return [Origin(())]


def manifest_origins(config: MeshConfig) -> dict[Identity, list[Origin]]:
    """Every object the typed entries produce, with each entry that produces it."""
    out: dict[Identity, list[Origin]] = {}
    for key, origin in _manifest_origins(config):
        out.setdefault(key, []).append(origin)
    return out

"""One owner per object and per Terraform address.

Two config entries that produce the same Kubernetes object would fight over
it on every apply (or, as two resources at one Terraform address, stop the
synthesis); so would an entry and an object a chart creates from another
entry: the gateway chart names a gateway's Deployment, Service and service
account after its release, Istio names a Gateway API gateway's
``<gateway>-<gatewayClassName>`` and a waypoint's ``waypoint`` (its class
turns the suffix off). Istio also takes only one Telemetry without a
workload selector per namespace (with two, the oldest wins), whatever their
names. Each clash is refused with both fields named.
"""

from __future__ import annotations

from collections.abc import Iterator

from istio_mesh.admission.origins import Origin, identity, item_origin, manifest_origins
from istio_mesh.config.gateway_api import ISTIO_GATEWAY_CLASS
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.objects import Identity
from istio_mesh.plan import ClusterPlan, Item, ManifestItem

_WORKLOAD_KINDS = (("apps", "Deployment"), ("", "Service"), ("", "ServiceAccount"))


def _field(origin: Origin) -> str:
    return origin.at(())[0]


def _chart_objects(config: MeshConfig) -> Iterator[tuple[Identity, Origin, str]]:
    """(object, entry, how) for the workloads the charts and Istio create."""
    for i, gateway in enumerate(config.gateways):
        namespace = gateway.resolved_namespace
        if gateway.api == "chart":
            name, how = gateway.name, "the gateway chart names its workload after the release"
        else:
            name = f"{gateway.name}-{ISTIO_GATEWAY_CLASS}"
            how = f"Istio names a Gateway's workload <gateway>-{ISTIO_GATEWAY_CLASS}"
        for group, kind in _WORKLOAD_KINDS:
            yield (group, kind, namespace, name), Origin(("gateways", i)), how
    for i, onboarded in enumerate(config.namespaces):
        if onboarded.waypoint:
            for group, kind in _WORKLOAD_KINDS:
                yield ((group, kind, onboarded.name, "waypoint"), Origin(("namespaces", i, "waypoint")),
                       "Istio names a waypoint's workload after its Gateway, 'waypoint'")


def _describe(key: Identity) -> str:
    group, kind, namespace, name = key
    return f"{kind} {namespace}/{name}" + (f" ({group})" if group else "")


def _stack_items(plan: ClusterPlan) -> Iterator[tuple[str, tuple[Item, ...]]]:
    yield "mesh", plan.mesh.items
    yield "policies", plan.policies.items


def _one_object(items: list[Item]) -> bool:
    return all(isinstance(i, ManifestItem) for i in items) and len(
        {identity(i.manifest) for i in items if isinstance(i, ManifestItem)}) == 1


def address_clashes(config: MeshConfig, plan: ClusterPlan) -> list[str]:
    """Two plan items of one stack at one Terraform address."""
    typed = manifest_origins(config)
    problems: list[str] = []
    for stack, items in _stack_items(plan):
        by_address: dict[str, list[Item]] = {}
        for item in items:
            by_address.setdefault(item.address, []).append(item)
        for address, same in by_address.items():
            if len(same) < 2 or _one_object(same):
                continue  # one object twice: object_clashes names both entries
            fields: list[str] = []
            for item in same:
                fields += [_field(o) for o in item_origin(config, item, typed) if _field(o) not in fields]
            first, *others = fields or ["(generated)"]
            also = f", as {' and '.join(others)} does" if others else " twice"
            problems.append(
                f"{first}: produces the {stack} stack's Terraform resource {address}{also}; "
                f"each needs its own name or namespace"
            )
    return problems


def object_clashes(config: MeshConfig, plan: ClusterPlan) -> list[str]:
    """Two entries (or an entry and a chart) owning one Kubernetes object."""
    typed = manifest_origins(config)
    claims: dict[Identity, list[tuple[str, str]]] = {}
    for key, origins in typed.items():
        for origin in origins:
            claims.setdefault(key, []).append((_field(origin), ""))
    for _, items in _stack_items(plan):
        for item in items:
            if isinstance(item, ManifestItem) and identity(item.manifest) not in typed:
                key = identity(item.manifest)
                for origin in item_origin(config, item, typed):
                    claims.setdefault(key, []).append((_field(origin), ""))
    for key, origin, how in _chart_objects(config):
        claims.setdefault(key, []).append((_field(origin), how))
    problems: list[str] = []
    for key, owners in claims.items():
        distinct = list(dict.fromkeys(owners))
        if len(owners) < 2:
            continue
        (first, first_how), (second, second_how) = distinct[0], distinct[1 if len(distinct) > 1 else 0]
        why = "; ".join(h for h in (first_how, second_how) if h)
        problems.append(
            f"{first}: produces {_describe(key)}, as {second} does"
            f"{f' ({why})' if why else ''}; one object can have only one owner: rename one of them"
        )
    return problems


def telemetry_clashes(config: MeshConfig, plan: ClusterPlan) -> list[str]:
    """Two Telemetry objects without a workload selector in one namespace."""
    typed = manifest_origins(config)
    by_namespace: dict[str, list[str]] = {}
    for item in plan.policies.manifests:
        manifest = item.manifest
        spec = manifest.get("spec") or {}
        if manifest["kind"] != "Telemetry" or {"selector", "targetRef", "targetRefs"} & set(spec):
            continue
        fields = [_field(o) for o in item_origin(config, item, typed)]
        by_namespace.setdefault(manifest["metadata"]["namespace"], []).extend(fields)
    return [
        f"{fields[1]}: is a second Telemetry without a workload selector in namespace "
        f"{namespace!a}, beside {fields[0]}; Istio applies only the oldest one: merge them "
        f"or give one a selector"
        for namespace, fields in by_namespace.items()
        if len(fields) > 1
    ]

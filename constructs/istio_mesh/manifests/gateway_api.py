"""Gateway API objects of an ingress gateway with ``api: gateway-api``: one
``Gateway`` of class ``istio`` (Istio deploys its pods) and the
``HTTPRoute``s attached to it.

No builder emits an empty map or list (kubernetes_manifest reports an
inconsistent result after apply for empty blocks), so optional fields are
left out instead.
"""

from __future__ import annotations

from typing import Any

from istio_mesh.config.gateway_api import GATEWAY_API, ISTIO_GATEWAY_CLASS, GatewayListener, HttpRouteSettings
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.gateways import GatewaySettings

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
"""The label Kubernetes puts on every namespace, with its name."""


def gateway_api_gateways(config: MeshConfig) -> list[GatewaySettings]:
    """The gateways served through the Gateway API, in config order."""
    return [g for g in config.gateways if g.api == "gateway-api"]


def route_namespace(gateway: GatewaySettings, route: HttpRouteSettings) -> str:
    """Where a route (and its backend Services) lives."""
    return route.namespace or gateway.resolved_namespace


def _allowed_routes(gateway: GatewaySettings, listener: GatewayListener) -> dict[str, Any]:
    """Admit routes from exactly the namespaces of the routes configured on
    this listener: the gateway's own (``Same``, the API's default) or a
    selector naming each namespace, never ``All``."""
    namespaces = sorted({
        route_namespace(gateway, route)
        for route in gateway.routes
        if route.listener in (None, listener.name)
    })
    if not namespaces or namespaces == [gateway.resolved_namespace]:
        return {"namespaces": {"from": "Same"}}
    return {
        "namespaces": {
            "from": "Selector",
            "selector": {
                "matchExpressions": [
                    {"key": NAMESPACE_NAME_LABEL, "operator": "In", "values": namespaces}
                ]
            },
        }
    }


def _listener(gateway: GatewaySettings, listener: GatewayListener) -> dict[str, Any]:
    out: dict[str, Any] = {"name": listener.name, "port": listener.port, "protocol": listener.protocol}
    if listener.hostname is not None:
        out["hostname"] = listener.hostname
    if listener.certificate_secret is not None:
        out["tls"] = {
            "mode": "Terminate",
            "certificateRefs": [{"kind": "Secret", "name": listener.certificate_secret}],
        }
    out["allowedRoutes"] = _allowed_routes(gateway, listener)
    return out


def gateway_manifest(gateway: GatewaySettings) -> dict[str, Any]:
    """The ``Gateway``: class ``istio``; labelled ``istio.io/rev`` when the
    gateway names a revision, so that revision's istiod deploys and programs it."""
    metadata: dict[str, Any] = {"name": gateway.name, "namespace": gateway.resolved_namespace}
    if gateway.revision is not None:
        metadata["labels"] = {"istio.io/rev": gateway.revision}
    return {
        "apiVersion": GATEWAY_API,
        "kind": "Gateway",
        "metadata": metadata,
        "spec": {
            "gatewayClassName": ISTIO_GATEWAY_CLASS,
            "listeners": [_listener(gateway, listener) for listener in gateway.listeners],
        },
    }


def http_route_manifest(gateway: GatewaySettings, route: HttpRouteSettings) -> dict[str, Any]:
    """One ``HTTPRoute``: each rule a path prefix to one Service port."""
    parent: dict[str, Any] = {"name": gateway.name, "namespace": gateway.resolved_namespace}
    if route.listener is not None:
        parent["sectionName"] = route.listener
    rules: list[dict[str, Any]] = []
    for rule in route.rules:
        out: dict[str, Any] = {
            "matches": [{"path": {"type": "PathPrefix", "value": rule.path}}],
            "backendRefs": [{"name": rule.service, "port": rule.port}],
        }
        if rule.retry is not None:
            out["retry"] = {"attempts": rule.retry.attempts}
            if rule.retry.codes:
                out["retry"]["codes"] = list(rule.retry.codes)
        rules.append(out)
    spec: dict[str, Any] = {"parentRefs": [parent]}
    if route.hostnames:
        spec["hostnames"] = list(route.hostnames)
    spec["rules"] = rules
    return {
        "apiVersion": GATEWAY_API,
        "kind": "HTTPRoute",
        "metadata": {"name": route.name, "namespace": route_namespace(gateway, route)},
        "spec": spec,
    }

"""Kubernetes Gateway API: the CRDs the mesh stack installs, and the
listeners and routes of an ingress gateway served through a Gateway API
``Gateway`` (class ``istio``) instead of the gateway Helm chart.

Istio deploys such a gateway itself: a Deployment, Service and service
account named ``<gateway>-istio`` in the Gateway's namespace, whose pods are
labelled ``gateway.networking.k8s.io/gateway-name: <gateway>``. Policies
select and name it that way (:func:`gateway_api_pod_labels`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from istio_mesh.config import names
from istio_mesh.config.base import DnsLabel, MeshModel, refuse_repeats
from istio_mesh.config.errors import RuleViolation

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig
    from istio_mesh.config.gateways import GatewaySettings

GATEWAY_API_VERSION = "v1.5.1"
"""The Gateway API release whose CRDs the mesh stack installs: the one Istio
1.30.3 is built against (``sigs.k8s.io/gateway-api v1.5.1`` in its go.mod)."""

GATEWAY_API = "gateway.networking.k8s.io/v1"
ISTIO_GATEWAY_CLASS = "istio"
GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"
"""The label Istio puts on the pods it deploys for a Gateway."""

ISTIO_GATEWAY_PORTS = {
    15000: "the gateway proxy's Envoy admin interface listens on it",
    15001: "the proxy's outbound capture port",
    15004: "the proxy's debug port",
    15006: "the proxy's inbound capture port",
    15008: "the proxy's HBONE tunnel port",
    15009: "the proxy's HBONE tunnel port (ambient)",
    15020: "the gateway pod serves its merged metrics on it",
    15021: "Istio adds it to the gateway's Service as status-port (health checks)",
    15053: "the proxy's DNS capture port",
    15090: "the gateway pod serves Envoy's Prometheus metrics on it",
}
"""Ports the gateway pod Istio deploys for a Gateway already uses: Istio adds
``status-port`` 15021 to the Service (``extractServicePorts`` in its
deployment controller) and the proxy binds the others itself
(``kube-gateway.yaml`` container ports; Istio's "Ports used by Istio")."""

_PATH = re.compile(r"/[A-Za-z0-9/\-._~%!$&'()*+,;=:@]*")


def _route_path(value: str) -> str:
    """The characters Gateway API allows in a path match, at most 1024 of them."""
    if len(value) > 1024 or not _PATH.fullmatch(value):
        raise ValueError(
            "must be a path starting with '/' of letters, digits and -._~%!$&'()*+,;=:@/ "
            "(at most 1024 characters), e.g. '/api'"
        )
    return value


def _gateway_host_name(value: str) -> str:
    """Gateway API's Hostname: a DNS name, optionally ``*.``-prefixed, and
    never an IP address (the API's type says so; its CRD pattern cannot tell
    ``10.0.0.1`` from a name, and Istio refuses the listener or route)."""
    names.host_name(value)
    if all(label.isdigit() for label in value.split(".")):
        raise ValueError(
            "Gateway API hostnames are DNS names, not IP addresses; leave it unset to "
            "serve any host, or use a DNS name that resolves to the address"
        )
    return value


HostName = Annotated[str, AfterValidator(_gateway_host_name)]
RoutePath = Annotated[str, AfterValidator(_route_path)]
SecretName = Annotated[str, AfterValidator(names.dns_subdomain)]


class GatewayApiSettings(MeshModel):
    """The Gateway API CRDs (kubernetes-sigs/gateway-api, shipped with this package)."""

    crds: Literal["auto", "install", "skip"] = Field(
        default="auto",
        description=(
            "auto: install the CRDs when something uses them (a waypoint, a gateway with "
            "api: gateway-api); install: always; skip: never (someone else manages them, "
            f"e.g. a managed cluster add-on). Installed at {GATEWAY_API_VERSION}, kept on "
            "uninstall, never downgraded."
        ),
    )
    channel: Literal["standard", "experimental"] = Field(
        default="standard",
        description=(
            "The bundle's channel: standard (stable kinds and fields) or experimental "
            "(adds TCPRoute, UDPRoute and experimental fields such as HTTPRoute retry)."
        ),
    )


class GatewayListener(MeshModel):
    """One listener of a Gateway API ``Gateway``."""

    name: DnsLabel = Field(description="Listener name, unique in the gateway; routes may pick it by name.")
    port: int = Field(ge=1, le=65535, description="Port the gateway listens on (the pods bind it directly).")
    protocol: Literal["HTTP", "HTTPS"] = Field(
        default="HTTP", description="HTTP, or HTTPS terminating TLS with certificateSecret."
    )
    hostname: HostName | None = Field(
        default=None,
        description="Host this listener serves, optionally '*.'-prefixed. Unset: any host.",
    )
    certificate_secret: SecretName | None = Field(
        default=None,
        description=(
            "HTTPS only: the kubernetes.io/tls Secret in the gateway's namespace holding "
            "the certificate (tls.certificateRefs)."
        ),
    )

    @model_validator(mode="after")
    def _tls(self) -> GatewayListener:
        if self.protocol == "HTTPS" and self.certificate_secret is None:
            raise RuleViolation(
                ("certificateSecret",),
                "protocol HTTPS terminates TLS and needs a certificate; set certificateSecret "
                "to a kubernetes.io/tls Secret in the gateway's namespace",
            )
        if self.protocol == "HTTP" and self.certificate_secret is not None:
            raise RuleViolation(
                ("certificateSecret",),
                "protocol HTTP serves no TLS; use protocol HTTPS or remove certificateSecret",
            )
        return self


class RouteRetry(MeshModel):
    """Retries of a route rule (experimental channel only)."""

    attempts: int = Field(
        ge=0, le=2**31 - 1,
        description="Retries after the first attempt (0: none), as HTTPRoute retry.attempts takes.",
    )
    codes: tuple[int, ...] = Field(
        default=(),
        description=(
            "HTTP status codes (400 to 599, as the HTTPRoute CRD allows) that are retried. "
            "Empty: the implementation's default."
        ),
    )

    @model_validator(mode="after")
    def _codes(self) -> RouteRetry:
        for i, code in enumerate(self.codes):
            if not 400 <= code <= 599:
                raise RuleViolation(
                    ("codes", i), f"got {code}; the HTTPRoute CRD retries codes 400 to 599"
                )
        return self


class RouteRule(MeshModel):
    """Requests under a path prefix, sent to one Service port."""

    path: RoutePath = Field(default="/", description="Path prefix matched (PathPrefix), starting with '/'.")
    service: DnsLabel = Field(description="Backend Service, in the route's namespace.")
    port: int = Field(ge=1, le=65535, description="Backend Service port.")
    retry: RouteRetry | None = Field(
        default=None,
        description="Retries (HTTPRoute rules[].retry). Needs gatewayApi.channel: experimental.",
    )


class HttpRouteSettings(MeshModel):
    """An ``HTTPRoute`` attached to a gateway."""

    name: DnsLabel = Field(description="HTTPRoute name, unique per namespace.")
    namespace: DnsLabel | None = Field(
        default=None,
        description=(
            "Namespace of the route and its backend Services. Unset: the gateway's. The "
            "gateway's listeners admit routes from exactly these namespaces."
        ),
    )
    hostnames: tuple[HostName, ...] = Field(
        default=(),
        description="Hosts this route serves; each must be one a listener serves. Empty: the listeners' hosts.",
    )
    listener: DnsLabel | None = Field(
        default=None, description="The listener to attach to (sectionName). Unset: every listener."
    )
    rules: tuple[RouteRule, ...] = Field(description="Path prefixes and the Service port each goes to.")

    @field_validator("rules")
    @classmethod
    def _some_rule(cls, rules: tuple[RouteRule, ...]) -> tuple[RouteRule, ...]:
        if not rules:
            raise ValueError("a route needs at least one rule (path, service, port)")
        return rules


def hosts_intersect(listener: str | None, route: str) -> bool:
    """Gateway API hostname matching: an unset listener hostname serves any
    host; ``*.example.com`` covers every name below example.com (not
    example.com itself), on either side."""
    if listener is None or listener == route:
        return True
    if listener.startswith("*.") and route.endswith(listener[1:]):
        return True
    return route.startswith("*.") and listener.endswith(route[1:])


def gateway_api_pod_labels(gateway_name: str) -> dict[str, str]:
    """The label Istio gives the pods it deploys for a Gateway."""
    return {GATEWAY_NAME_LABEL: gateway_name}


def gateway_api_deployment_name(gateway_name: str) -> str:
    """Istio names a Gateway's Deployment, Service and service account ``<name>-istio``."""
    return f"{gateway_name}-istio"


def gateway_api_service_account(gateway_name: str) -> str:
    """The service account the gateway's pods run as (their mTLS identity)."""
    return gateway_api_deployment_name(gateway_name)


def check_gateway_api_gateway(gateway: GatewaySettings) -> None:
    """The listeners and routes of one gateway with ``api: gateway-api``
    (paths relative to the gateway)."""
    if gateway.kind != "ingress":
        raise RuleViolation(
            ("api",),
            f"gateway-api serves ingress gateways; {gateway.kind!a} gateways use api: chart",
        )
    if not gateway.listeners:
        raise RuleViolation(
            ("listeners",), "a gateway-api gateway needs at least one listener (name, port, protocol)"
        )
    refuse_repeats("listeners", [listener.name for listener in gateway.listeners])
    protocols: dict[int, GatewayListener] = {}
    for i, listener in enumerate(gateway.listeners):
        if listener.port in ISTIO_GATEWAY_PORTS:
            raise RuleViolation(
                ("listeners", i, "port"),
                f"got {listener.port}; {ISTIO_GATEWAY_PORTS[listener.port]}, so a listener "
                f"cannot use it: pick another port (Istio reserves 15000-15090 for the proxy)",
            )
        first = protocols.setdefault(listener.port, listener)
        if first.protocol != listener.protocol:
            raise RuleViolation(
                ("listeners", i, "protocol"),
                f"got {listener.protocol} on port {listener.port}, where listener "
                f"{first.name!a} serves {first.protocol}; Istio serves one protocol per port "
                f"and drops the conflicting listener: use another port",
            )
    seen: dict[tuple[int, str | None], str] = {}
    for i, listener in enumerate(gateway.listeners):
        key = (listener.port, listener.hostname)
        if key in seen:
            raise RuleViolation(
                ("listeners", i),
                f"port {listener.port} with hostname {listener.hostname or '(any)'} is listener "
                f"{seen[key]!a} already; give one of them another port or hostname",
            )
        seen[key] = listener.name
    refuse_repeats("routes", [f"{r.namespace or gateway.resolved_namespace}/{r.name}" for r in gateway.routes])
    listeners = {listener.name: listener for listener in gateway.listeners}
    for i, route in enumerate(gateway.routes):
        if route.listener is not None and route.listener not in listeners:
            raise RuleViolation(
                ("routes", i, "listener"),
                f"{route.listener!a} is not a listener of {gateway.name!a}; listeners: "
                f"{', '.join(sorted(listeners))}",
            )
        chosen = [listeners[route.listener]] if route.listener else list(listeners.values())
        for j, host in enumerate(route.hostnames):
            if not any(hosts_intersect(listener.hostname, host) for listener in chosen):
                served = ", ".join(sorted({listener.hostname or "(any)" for listener in chosen}))
                raise RuleViolation(
                    ("routes", i, "hostnames", j),
                    f"{host!a} is not served by any listener it attaches to (hostnames: "
                    f"{served}); add a listener for it or fix the hostname",
                )


def uses_gateway_api(config: MeshConfig) -> bool:
    """Whether anything in the config needs the Gateway API CRDs."""
    return any(ns.waypoint for ns in config.namespaces) or any(
        g.api == "gateway-api" for g in config.gateways
    )


def installs_gateway_api_crds(config: MeshConfig) -> bool:
    """Whether the mesh stack installs the CRDs."""
    crds = config.gateway_api.crds
    return crds == "install" or (crds == "auto" and uses_gateway_api(config))


def check_gateway_api(config: MeshConfig) -> None:
    """Experimental-only fields need the experimental channel."""
    if config.gateway_api.channel == "experimental":
        return
    for i, gateway in enumerate(config.gateways):
        for j, route in enumerate(gateway.routes):
            for k, rule in enumerate(route.rules):
                if rule.retry is not None:
                    raise RuleViolation(
                        ("gateways", i, "routes", j, "rules", k, "retry"),
                        "HTTPRoute retry is an experimental-channel field of Gateway API "
                        f"{GATEWAY_API_VERSION}; set gatewayApi.channel: experimental or remove it",
                    )

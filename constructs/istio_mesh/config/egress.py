"""Egress control: the external services workloads may call (ServiceEntry),
optionally routed through an egress gateway as Istio's egress gateway task
does (Gateway, VirtualService, DestinationRule), with TLS origination there.

Together with ``mesh.outboundTrafficPolicy: REGISTRY_ONLY`` this is the
allow-list of hosts outside the mesh.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from istio_mesh.config.base import DnsLabel, MeshModel
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.names import HOST_NAME

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig
    from istio_mesh.config.gateways import GatewaySettings, ServicePort

TLS_ORIGINATION_PORT = 443
"""Where the egress gateway sends traffic it wraps in TLS."""

HTTP_PROTOCOLS = frozenset({"HTTP"})
TLS_PROTOCOLS = frozenset({"TLS", "HTTPS"})



def _external_host(value: str) -> str:
    if value == "*" or len(value) > 253 or not HOST_NAME.fullmatch(value):
        raise ValueError(
            "must be a lower-case DNS name such as 'api.example.com', or '*.example.com'"
        )
    return value


ExternalHost = Annotated[str, AfterValidator(_external_host)]


class ExternalPort(MeshModel):
    """A port of an external service."""

    number: int = Field(ge=1, le=65535, description="Port number.")
    name: DnsLabel = Field(description="Port name, unique in the service.")
    protocol: Literal["HTTP", "HTTPS", "HTTP2", "GRPC", "TLS", "TCP"] = Field(
        description="Protocol. HTTPS and TLS are passed through by SNI; HTTP can be routed and inspected."
    )


class ExternalService(MeshModel):
    """Hosts outside the mesh that workloads may call (a ServiceEntry in the root namespace)."""

    name: DnsLabel = Field(description="ServiceEntry name (also names its routing resources).")
    hosts: tuple[ExternalHost, ...] = Field(description="Host names (at least one).")
    ports: tuple[ExternalPort, ...] = Field(description="Ports (at least one).")
    resolution: Literal["DNS", "DNS_ROUND_ROBIN", "STATIC", "NONE"] = Field(
        default="DNS",
        description="How proxies find endpoints: DNS, DNS_ROUND_ROBIN, STATIC (endpoints) or NONE (the original destination).",
    )
    location: Literal["MESH_EXTERNAL", "MESH_INTERNAL"] = Field(
        default="MESH_EXTERNAL",
        description="MESH_EXTERNAL: outside the mesh (no mTLS). MESH_INTERNAL: mesh workloads not on Kubernetes.",
    )
    endpoints: tuple[str, ...] = Field(
        default=(),
        description="Endpoint addresses: required for STATIC (IPs), not allowed for NONE.",
    )
    egress_gateway: DnsLabel | None = Field(
        default=None,
        description="Route the service's traffic through this egress gateway (from gateways[]). Unset: proxies call it directly.",
    )
    tls_origination: bool = Field(
        default=False,
        description="Workloads speak plain HTTP; the egress gateway opens TLS to port 443 (needs egressGateway and an HTTP port).",
    )

    @field_validator("hosts")
    @classmethod
    def _unique_hosts(cls, hosts: tuple[str, ...]) -> tuple[str, ...]:
        if not hosts:
            raise ValueError("must list at least one host")
        repeated = sorted({h for h in hosts if hosts.count(h) > 1})
        if repeated:
            raise ValueError(f"host listed more than once: {', '.join(repeated)}")
        return hosts

    @field_validator("ports")
    @classmethod
    def _unique_ports(cls, ports: tuple[ExternalPort, ...]) -> tuple[ExternalPort, ...]:
        if not ports:
            raise ValueError("must list at least one port")
        for attr in ("number", "name"):
            seen = [getattr(p, attr) for p in ports]
            dupes = sorted({str(v) for v in seen if seen.count(v) > 1})
            if dupes:
                raise ValueError(f"duplicate port {attr}: {', '.join(dupes)}")
        return ports

    @property
    def http_port(self) -> ExternalPort | None:
        """The port routed as HTTP through an egress gateway."""
        return next((p for p in self.ports if p.protocol in HTTP_PROTOCOLS), None)

    @property
    def tls_port(self) -> ExternalPort | None:
        """The port routed by SNI (TLS passthrough) through an egress gateway."""
        return next((p for p in self.ports if p.protocol in TLS_PROTOCOLS), None)

    @model_validator(mode="after")
    def _consistent(self) -> ExternalService:
        wildcard = next((h for h in self.hosts if h.startswith("*")), None)
        if wildcard and self.resolution != "NONE":
            raise RuleViolation(
                ("resolution",),
                f"{self.resolution} cannot resolve the wildcard host {wildcard!a}; use NONE",
            )
        self._check_endpoints()
        if self.egress_gateway is not None:
            self._check_routable()
        if self.tls_origination:
            self._check_origination()
        return self

    def _check_endpoints(self) -> None:
        if self.resolution == "STATIC":
            if not self.endpoints:
                raise RuleViolation(("endpoints",), "STATIC resolution needs at least one endpoint IP")
            for i, address in enumerate(self.endpoints):
                try:
                    ipaddress.ip_address(address)
                except ValueError:
                    raise RuleViolation(
                        ("endpoints", i), f"got {address!a}; STATIC endpoints must be IP addresses"
                    ) from None
        elif self.resolution == "NONE" and self.endpoints:
            raise RuleViolation(("endpoints",), "NONE resolution uses the original destination; remove endpoints")
        elif self.resolution == "DNS_ROUND_ROBIN" and len(self.endpoints) > 1:
            raise RuleViolation(("endpoints",), "DNS_ROUND_ROBIN takes at most one endpoint")

    def _check_routable(self) -> None:
        if len(self.hosts) != 1 or self.hosts[0].startswith("*"):
            raise RuleViolation(
                ("hosts",),
                "routing through an egress gateway takes exactly one host, not a wildcard; "
                "list each host as its own service",
            )
        for i, port in enumerate(self.ports):
            if port.protocol not in HTTP_PROTOCOLS | TLS_PROTOCOLS:
                raise RuleViolation(
                    ("ports", i, "protocol"),
                    f"{port.protocol} cannot be routed through an egress gateway; "
                    f"allowed: HTTP, HTTPS, TLS",
                )
        for kind in (HTTP_PROTOCOLS, TLS_PROTOCOLS):
            routed = [i for i, p in enumerate(self.ports) if p.protocol in kind]
            if len(routed) > 1:
                raise RuleViolation(
                    ("ports", routed[1]),
                    "routing through an egress gateway takes one HTTP port and one "
                    "HTTPS/TLS port at most",
                )

    def _check_origination(self) -> None:
        if self.egress_gateway is None:
            raise RuleViolation(("tlsOrigination",), "TLS is originated at the egress gateway; set egressGateway")
        http = self.http_port
        if http is None:
            raise RuleViolation(("tlsOrigination",), "needs an HTTP port for workloads to call")
        if http.number == TLS_ORIGINATION_PORT:
            raise RuleViolation(
                ("tlsOrigination",),
                f"the HTTP port cannot be {TLS_ORIGINATION_PORT}, where TLS is originated; use 80",
            )


class EgressSettings(MeshModel):
    """Traffic leaving the mesh."""

    services: tuple[ExternalService, ...] = Field(
        default=(), description="External services workloads may call."
    )


def gateway_port(gateway: GatewaySettings, protocols: frozenset[str]) -> ServicePort | None:
    """The gateway Service port that carries HTTP or TLS traffic, found the way
    Istio infers protocols: from the port name's prefix (``http2``, ``https-x``)."""
    prefixes = {"HTTP": ("http", "http2"), "TLS": ("https", "tls"), "HTTPS": ("https", "tls")}
    wanted = {p for protocol in protocols for p in prefixes[protocol]}
    return next((p for p in gateway.service.ports if p.name.split("-")[0] in wanted), None)


def check_egress(config: MeshConfig) -> None:
    """Refuse routing through a gateway the config does not define or that lacks the port."""
    gateways = {g.name: g for g in config.gateways}
    egress = sorted(g.name for g in config.gateways if g.kind == "egress")
    hosts: dict[str, int] = {}
    for i, service in enumerate(config.egress.services):
        where = ("egress", "services", i)
        if service.name in [s.name for s in config.egress.services[:i]]:
            raise RuleViolation(
                (*where, "name"), f"{service.name!a} is used more than once; names must be unique"
            )
        for j, host in enumerate(service.hosts):
            if host in hosts:
                raise RuleViolation(
                    (*where, "hosts", j),
                    f"{host!a} is already a host of egress.services[{hosts[host]}]; "
                    f"list each host once",
                )
            hosts[host] = i
        if service.egress_gateway is None:
            continue
        gateway = gateways.get(service.egress_gateway)
        if gateway is None or gateway.kind != "egress":
            raise RuleViolation(
                (*where, "egressGateway"),
                f"{service.egress_gateway!a} is not an egress gateway of this config; "
                f"allowed: {', '.join(egress) or 'none defined (add one to gateways[])'}",
            )
        for port, protocols, names in (
            (service.http_port, HTTP_PROTOCOLS, "'http' or 'http2'"),
            (service.tls_port, TLS_PROTOCOLS, "'https' or 'tls'"),
        ):
            if port is not None and gateway_port(gateway, protocols) is None:
                raise RuleViolation(
                    (*where, "egressGateway"),
                    f"gateway {gateway.name!a} has no Service port named {names} for "
                    f"{port.protocol} traffic; add one to its service.ports",
                )


def routed_gateways(config: MeshConfig) -> list[GatewaySettings]:
    """Egress gateways that external services are routed through, in config order."""
    used = {s.egress_gateway for s in config.egress.services if s.egress_gateway}
    return [g for g in config.gateways if g.name in used]

"""ServiceEntry, and the egress gateway routing of Istio's egress gateway task,
as plain objects (networking.istio.io/v1).

Routing one external host through an egress gateway takes:

- a Gateway on the egress gateway's pods accepting the host on its HTTP port
  (or, for TLS, its HTTPS port in PASSTHROUGH mode, matched by SNI);
- a VirtualService bound to ``mesh`` and that Gateway: sidecars send the host's
  traffic to the egress gateway, and the egress gateway sends it on to the host;
- a DestinationRule for the egress gateway's Service with one subset per
  routed service, as the task does;
- with TLS origination, a DestinationRule for the host that opens TLS on
  port 443, applied only to the egress gateway's pods (a workload selector in
  the gateway's namespace) so that workloads calling the host on 443 directly
  are not wrapped in TLS twice.

The ServiceEntry, VirtualService and subset DestinationRule live in the root
namespace, which every scoped Sidecar imports; the Gateway and the TLS
DestinationRule live beside the egress gateway.
"""

from __future__ import annotations

from typing import Any

from istio_mesh.config.egress import (
    HTTP_PROTOCOLS,
    TLS_ORIGINATION_PORT,
    TLS_PROTOCOLS,
    ExternalService,
    gateway_port,
    routed_gateways,
)
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.gateways import GatewaySettings
from istio_mesh.config.objects import NETWORKING_API, tls_origination_name
from istio_mesh.config.gateways import gateway_pod_labels

CLUSTER_DOMAIN = "cluster.local"


def service_host(gateway: GatewaySettings) -> str:
    """The cluster-local name of a gateway's Service."""
    return f"{gateway.name}.{gateway.resolved_namespace}.svc.{CLUSTER_DOMAIN}"


def _object(kind: str, name: str, namespace: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": NETWORKING_API,
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def service_entry(config: MeshConfig, service: ExternalService) -> dict[str, Any]:
    """The external service in the registry (visible to every namespace)."""
    ports = [{"number": p.number, "name": p.name, "protocol": p.protocol} for p in service.ports]
    if service.tls_origination and TLS_ORIGINATION_PORT not in {p.number for p in service.ports}:
        # The egress gateway's route to the host needs the port it originates TLS to.
        ports.append({"number": TLS_ORIGINATION_PORT, "name": "https-origination", "protocol": "HTTPS"})
    spec: dict[str, Any] = {
        "hosts": list(service.hosts),
        "ports": ports,
        "resolution": service.resolution,
        "location": service.location,
    }
    if service.endpoints:
        spec["endpoints"] = [{"address": a} for a in service.endpoints]
    return _object("ServiceEntry", service.name, config.istio_namespace, spec)


def _gateway_of(config: MeshConfig, service: ExternalService) -> GatewaySettings:
    return next(g for g in config.gateways if g.name == service.egress_gateway)


def egress_gateway(config: MeshConfig, service: ExternalService) -> dict[str, Any]:
    """The Gateway that makes the egress gateway accept the service's host."""
    gateway = _gateway_of(config, service)
    host = service.hosts[0]
    servers: list[dict[str, Any]] = []
    http, tls = gateway_port(gateway, HTTP_PROTOCOLS), gateway_port(gateway, TLS_PROTOCOLS)
    if service.http_port is not None and http is not None:
        servers.append({"port": {"number": http.port, "name": "http", "protocol": "HTTP"},
                        "hosts": [host]})
    if service.tls_port is not None and tls is not None:
        servers.append({"port": {"number": tls.port, "name": "tls", "protocol": "TLS"},
                        "hosts": [host], "tls": {"mode": "PASSTHROUGH"}})
    spec = {"selector": gateway_pod_labels(gateway), "servers": servers}
    return _object("Gateway", service.name, gateway.resolved_namespace, spec)


def egress_virtual_service(config: MeshConfig, service: ExternalService) -> dict[str, Any]:
    """Sidecars -> egress gateway -> host, for each routed port."""
    gateway = _gateway_of(config, service)
    bound = f"{gateway.resolved_namespace}/{service.name}"
    host = service.hosts[0]
    via = service_host(gateway)
    spec: dict[str, Any] = {"hosts": [host], "gateways": [bound, "mesh"]}
    http, tls = gateway_port(gateway, HTTP_PROTOCOLS), gateway_port(gateway, TLS_PROTOCOLS)
    if service.http_port is not None and http is not None:
        onward = TLS_ORIGINATION_PORT if service.tls_origination else service.http_port.number
        spec["http"] = [
            {"match": [{"gateways": ["mesh"], "port": service.http_port.number}],
             "route": [_destination(via, http.port, subset=service.name)]},
            {"match": [{"gateways": [bound], "port": http.port}],
             "route": [_destination(host, onward)]},
        ]
    if service.tls_port is not None and tls is not None:
        spec["tls"] = [
            {"match": [{"gateways": ["mesh"], "port": service.tls_port.number, "sniHosts": [host]}],
             "route": [_destination(via, tls.port, subset=service.name)]},
            {"match": [{"gateways": [bound], "port": tls.port, "sniHosts": [host]}],
             "route": [_destination(host, service.tls_port.number)]},
        ]
    return _object("VirtualService", service.name, config.istio_namespace, spec)


def _destination(host: str, port: int, *, subset: str | None = None) -> dict[str, Any]:
    destination: dict[str, Any] = {"host": host, "port": {"number": port}}
    if subset is not None:
        destination["subset"] = subset
    return {"destination": destination, "weight": 100}


def gateway_subsets(config: MeshConfig, gateway: GatewaySettings) -> dict[str, Any]:
    """One subset per service routed through the gateway, named after the service."""
    subsets = [{"name": s.name} for s in config.egress.services if s.egress_gateway == gateway.name]
    spec = {"host": service_host(gateway), "subsets": subsets}
    return _object("DestinationRule", gateway.name, config.istio_namespace, spec)


def tls_origination(config: MeshConfig, service: ExternalService) -> dict[str, Any]:
    """TLS to the host on port 443, opened by the egress gateway only."""
    gateway = _gateway_of(config, service)
    host = service.hosts[0]
    spec = {
        "host": host,
        "workloadSelector": {"matchLabels": gateway_pod_labels(gateway)},
        "trafficPolicy": {
            "portLevelSettings": [
                {"port": {"number": TLS_ORIGINATION_PORT}, "tls": {"mode": "SIMPLE", "sni": host}}
            ]
        },
    }
    return _object("DestinationRule", tls_origination_name(service.name), gateway.resolved_namespace, spec)


def egress_manifests(config: MeshConfig) -> list[dict[str, Any]]:
    """Every egress object: per service its ServiceEntry and routing, then one
    subset DestinationRule per egress gateway in use."""
    out: list[dict[str, Any]] = []
    for service in config.egress.services:
        out.append(service_entry(config, service))
        if service.egress_gateway is not None:
            out += [egress_gateway(config, service), egress_virtual_service(config, service)]
            if service.tls_origination:
                out.append(tls_origination(config, service))
    out += [gateway_subsets(config, g) for g in routed_gateways(config)]
    return out


def routed_gateway_hosts(config: MeshConfig) -> list[str]:
    """Sidecar egress hosts that make routed egress gateways visible to scoped proxies."""
    return [f"{g.resolved_namespace}/{service_host(g)}" for g in routed_gateways(config)]

"""Production rules for what keeps serving when a pod, a release or a
command fails: a gateway that is one pod, a Helm release left half-applied,
a destroy nothing refuses, and egress that leaves the cluster exposed.
"""

from __future__ import annotations

from collections.abc import Iterator

from istio_mesh.config.egress import routed_gateways
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.gateways import GatewaySettings
from istio_mesh.lint.hatches import value_at
from istio_mesh.lint.rules import Finding, finding, production

# Service annotations with which the cloud providers' controllers give a
# LoadBalancer Service an address inside the network instead of a public one.
INTERNAL_LB_ANNOTATIONS = {
    "networking.gke.io/load-balancer-type": "internal",
    "cloud.google.com/load-balancer-type": "internal",
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
    "service.beta.kubernetes.io/oci-load-balancer-internal": "true",
}


def _serves_traffic(config: MeshConfig, gateway: GatewaySettings) -> bool:
    """Ingress and east-west gateways always do; an egress gateway once a
    service is routed through it."""
    return gateway.kind != "egress" or gateway in routed_gateways(config)


def single_gateway_pod(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for i, gateway in enumerate(config.gateways):
        if gateway.api == "chart" and gateway.replicas == 1 and _serves_traffic(config, gateway):
            floor = ("no autoscaler runs" if not gateway.autoscaling.enabled
                     else "the autoscaler's floor is that one pod")
            yield finding("prod-single-gateway-pod", ("gateways", i, "replicas"),
                          f"is 1 and {floor}: while that pod restarts (a rollout, a node drain, "
                          f"an eviction) every request through {gateway.kind} gateway "
                          f"{gateway.name!a} fails",
                          "set replicas: 2 or more and spread them (spread.antiAffinity, "
                          "spread.topologyKey)")


def helm_not_atomic(config: MeshConfig) -> Iterator[Finding]:
    if production(config) and not config.helm.atomic:
        yield finding("prod-helm-not-atomic", ("helm", "atomic"),
                      "is false: a failed upgrade leaves its release failed and half-applied "
                      "(some objects new, some old) until someone repairs it by hand",
                      "set helm.atomic: true (the default), which rolls a failed upgrade back")


def destroy_unprotected(config: MeshConfig) -> Iterator[Finding]:
    if not production(config) or config.protection.prevent_destroy:
        return
    created = [ns.name for ns in config.namespaces if ns.create]
    if not created:
        return
    effect = (f"a destroy deletes the namespaces it created ({', '.join(created)}) with every "
              f"workload, secret and volume claim in them")
    yield finding("prod-destroy-unprotected", ("protection", "preventDestroy"),
                  f"is off in a production mesh: {effect}",
                  "set protection.preventDestroy: true; turn it off on purpose before removing "
                  "the mesh")


def _internal(gateway: GatewaySettings) -> bool:
    return any(gateway.service.annotations.get(k, "").lower() == v
               for k, v in INTERNAL_LB_ANNOTATIONS.items())


def egress_gateway_public(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for i, gateway in enumerate(config.gateways):
        if gateway.kind != "egress":
            continue
        found, extra_type = value_at(gateway.extra_values, "service.type")
        service_type = extra_type if found else gateway.service_type
        path = ("gateways", i, *(("extraValues", "service", "type") if found else ("service", "type")))
        if service_type == "LoadBalancer" and not _internal(gateway):
            exposure = "gets an address on the internet (no internal load-balancer annotation)"
        elif service_type == "NodePort":
            exposure = "listens on a port of every node"
        else:
            continue
        yield finding("prod-egress-gateway-public", path,
                      f"is {service_type}: egress gateway {gateway.name!a} {exposure}, so "
                      f"anyone who reaches it can send traffic out through it, as the cluster, "
                      f"to the hosts the mesh may call",
                      "use ClusterIP (the default for egress gateways): workloads reach it "
                      "inside the cluster")


PLAIN_PROTOCOLS = frozenset({"HTTP", "HTTP2", "GRPC"})


def egress_plain_http(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for i, service in enumerate(config.egress.services):
        if service.location != "MESH_EXTERNAL" or service.tls_origination:
            continue
        for j, port in enumerate(service.ports):
            if port.protocol in PLAIN_PROTOCOLS:
                yield finding("prod-egress-plain-http", ("egress", "services", i, "ports", j, "protocol"),
                              f"is {port.protocol}: requests to {service.hosts[0]!a} leave the "
                              f"cluster in plain text, so anyone on the path can read and change "
                              f"them",
                              "call it over TLS (protocol TLS or HTTPS, port 443), or route it "
                              "through an egress gateway with tlsOrigination: true")


AVAILABILITY_CHECKS = (
    single_gateway_pod, helm_not_atomic, destroy_unprotected, egress_gateway_public,
    egress_plain_http,
)

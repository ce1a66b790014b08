"""The linter's rules: each a function from a validated config to findings.

A config that loads is well-formed; these rules judge whether it is wise.
Production rules (``prod-*``) apply when ``environment: production``.
Messages and fixes are part of the contract (tests check their exact text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from istio_mesh.config.errors import format_path
from istio_mesh.config.gateway_api import GATEWAY_API_VERSION, uses_gateway_api
from istio_mesh.config.gateways import chart_gateways
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.istiod import IstiodSettings
from istio_mesh.config.mesh_settings import OutboundTrafficPolicy
from istio_mesh.config.namespaces import MtlsMode
from istio_mesh.config.sidecars import has_sidecar_injection
from istio_mesh.config.rule_catalogue import RULES_BY_ID, Severity
from istio_mesh.lint.chart_values import unknown_keys
from istio_mesh.lint.crd import known_kinds, preferred_version, resource_problems
from istio_mesh.lint.refdata import checked_against, data_version
from istio_mesh.manifests.sidecars import egress_hosts


@dataclass(frozen=True)
class Finding:
    """One thing the linter found in one config."""

    rule: str
    severity: Severity
    path: str
    message: str
    fix: str
    waived: str | None = None
    """The waiver's reason when the config accepts this finding."""


def finding(rule: str, path: Sequence[str | int], message: str, fix: str) -> Finding:
    """A finding with the rule's catalogued severity."""
    return Finding(rule, RULES_BY_ID[rule].severity, format_path(path), message, fix)


Check = Callable[[MeshConfig], Iterator[Finding]]


def environment_unset(config: MeshConfig) -> Iterator[Finding]:
    if config.environment is None:
        yield finding("environment-unset", ("environment",),
                      "is not set, so the production rules were skipped",
                      "set environment: development, staging or production")


def production(config: MeshConfig) -> bool:
    return config.environment == "production"


def prod_mtls(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    if config.mtls.mode != MtlsMode.STRICT:
        yield finding("prod-mtls-not-strict", ("mtls", "mode"),
                      f"is {config.mtls.mode.value} in a production mesh: workloads accept "
                      f"plain-text traffic",
                      "set mtls.mode: STRICT; list namespaces that still need plain text in "
                      "mtls.namespaceOverrides")
    for name, mode in sorted(config.mtls.namespace_overrides.items()):
        if mode != MtlsMode.STRICT:
            yield finding("prod-mtls-override", ("mtls", "namespaceOverrides", name),
                          f"is {mode.value}: the namespace accepts plain-text traffic",
                          "move its clients into the mesh, then remove the override")


def istiods(config: MeshConfig) -> list[tuple[tuple[str | int, ...], IstiodSettings]]:
    """(field path, settings) of every istiod: the un-revisioned one, or each revision."""
    if config.revisions:
        return [(("revisions", i), revision) for i, revision in enumerate(config.revisions)]
    return [(("istiod",), config.istiod)]


def prod_single_istiod(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for path, istiod in istiods(config):
        if istiod.replicas == 1:
            yield finding("prod-single-istiod", (*path, "replicas"),
                          "is 1: while that pod restarts, no proxy gets configuration or "
                          "certificates and no pod gets a sidecar",
                          f"set {format_path(path)}.replicas: 2 or more (3 spread over zones "
                          f"is usual)")


def prod_demo_profile(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    hatches: list[tuple[tuple[str | int, ...], Mapping[str, Any]]] = [
        *(((*path, "extraValues"), istiod.extra_values) for path, istiod in istiods(config)),
        (("cni", "extraValues"), config.cni.extra_values),
        (("ztunnel", "extraValues"), config.ztunnel.extra_values),
        *((("gateways", i, "extraValues"), g.extra_values) for i, g in enumerate(config.gateways)),
    ]
    for path, values in hatches:
        if values.get("profile") == "demo":
            yield finding("prod-demo-profile", (*path, "profile"),
                          "is 'demo', Istio's profile for trying features out: tiny resource "
                          "requests, 100% trace sampling, access logs on",
                          "remove the profile key; size components with their resources settings")


def prod_egress(config: MeshConfig) -> Iterator[Finding]:
    if production(config) and config.mesh.outbound_traffic_policy == OutboundTrafficPolicy.ALLOW_ANY:
        yield finding("prod-egress-allow-any", ("mesh", "outboundTrafficPolicy"),
                      "is ALLOW_ANY: workloads can call any host outside the mesh",
                      "set mesh.outboundTrafficPolicy: REGISTRY_ONLY and list the hosts "
                      "workloads need in egress.services")


def prod_access_logs(config: MeshConfig) -> Iterator[Finding]:
    if production(config) and config.mesh.access_log.file:
        yield finding("prod-access-logs-everywhere", ("mesh", "accessLog", "file"),
                      f"is {config.mesh.access_log.file!a}: every proxy logs every request, "
                      f"which costs CPU and log storage at production volume",
                      "turn it off and log where needed with "
                      "mesh.telemetry.namespaces.<namespace>.accessLogging")


def prod_resource_requests(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    components: list[tuple[tuple[str | int, ...], Any, str]] = [
        *(((*path, "resources"), istiod.resources, "500m CPU, 2Gi")
          for path, istiod in istiods(config)),
        *((("gateways", i, "resources"), g.resources, "100m CPU, 128Mi")
          for i, g in chart_gateways(config)),
    ]
    for path, resources, chart_default in components:
        if resources is None or not resources.requests.to_values():
            yield finding("prod-no-resource-requests", path,
                          f"sets no requests: the chart's defaults ({chart_default}) apply, "
                          f"which were not sized for this cluster",
                          "set requests.cpu and requests.memory from measured usage")


def prod_default_deny(config: MeshConfig) -> Iterator[Finding]:
    if production(config) and not config.authorization.default_deny:
        yield finding("prod-no-default-deny", ("authorization", "defaultDeny"),
                      "is off: any workload may call any other unless a policy says otherwise",
                      "set authorization.defaultDeny: true and list the calls you expect in "
                      "authorization.allow")


def prod_ca(config: MeshConfig) -> Iterator[Finding]:
    if production(config) and config.ca.mode == "istiod":
        yield finding("prod-self-signed-ca", ("ca", "mode"),
                      "is istiod: workload certificates chain to a root istiod generated "
                      "itself, outside your organisation's PKI",
                      "use ca.mode: plugin (an intermediate CA of your PKI, via Terraform "
                      "variables) or external (e.g. cert-manager istio-csr)")


def ingress_closed(config: MeshConfig) -> Iterator[Finding]:
    if not config.authorization.default_deny:
        return
    opened = {entry.gateway for entry in config.authorization.ingress}
    for i, gateway in enumerate(config.gateways):
        if gateway.kind == "ingress" and gateway.name not in opened:
            yield finding("ingress-closed-by-default-deny", ("gateways", i),
                          f"{gateway.name!a} refuses every request: default deny covers "
                          f"gateways and no authorization.ingress entry lets clients in",
                          f"add {{gateway: {gateway.name}}} to authorization.ingress")


def sidecar_scope_hides_call(config: MeshConfig) -> Iterator[Finding]:
    """An allowed call that cannot happen: the caller's proxies were never told
    about the callee's services, so the request never leaves with mTLS to them."""
    if not config.sidecar_scope.enabled:
        return
    scoped = {ns.name: ns for ns in config.namespaces if has_sidecar_injection(ns)}
    for i, rule in enumerate(config.authorization.allow):
        callers = [ref.split("/", 1)[0] for ref in rule.sources.service_accounts]
        callers += [ns for ns in rule.sources.namespaces if ns in scoped]
        for caller in dict.fromkeys(callers):
            if caller == rule.namespace or caller not in scoped:
                continue
            visible = {host.split("/", 1)[0] for host in egress_hosts(config, scoped[caller])}
            if rule.namespace not in visible and "*" not in visible:
                yield finding(
                    "sidecar-scope-hides-allowed-call", ("authorization", "allow", i, "from"),
                    f"lets {caller!a} call {rule.namespace!a}, but the Sidecar of {caller!a} "
                    f"does not import {rule.namespace!a}, so its proxies cannot reach those services",
                    f"add '{rule.namespace}/*' to sidecarScope.namespaceHosts.{caller}")


def route_weights(config: MeshConfig) -> Iterator[Finding]:
    for i, resource in enumerate(config.extra_resources):
        if resource.kind != "VirtualService":
            continue
        for section in ("http", "tcp", "tls"):
            routes = resource.spec.get(section)
            for j, route in enumerate(routes if isinstance(routes, list) else []):
                destinations = route.get("route") if isinstance(route, Mapping) else None
                if not isinstance(destinations, list) or not destinations:
                    continue
                weights = [d.get("weight") for d in destinations if isinstance(d, Mapping)]
                if len(destinations) == 1 and weights == [None]:
                    continue  # one destination takes all traffic
                total = sum(w for w in weights if isinstance(w, int))
                if total != 100:
                    yield finding("route-weights",
                                  ("extraResources", i, "spec", section, j, "route"),
                                  f"weights add up to {total}, not 100",
                                  "make the destinations' weights add up to 100")


def extra_resource_schemas(config: MeshConfig) -> Iterator[Finding]:
    kinds = ", ".join(sorted({k.rpartition("/")[2] for k in known_kinds()}))
    for i, resource in enumerate(config.extra_resources):
        group = resource.group
        for problem in resource_problems(resource.manifest()):
            preferred = (preferred_version(group, resource.kind)
                         if problem.rule in ("unknown-version", "old-api-version") else "")
            fix = {
                "unknown-kind": f"use a kind of the pinned release: {kinds}",
                "unknown-version": f"use apiVersion {group}/{preferred}",
                "old-api-version": f"use apiVersion {group}/{preferred}",
                "crd-schema": "correct the field as Istio's reference for the kind describes",
                "empty-value": "give it content (an allow-nothing AuthorizationPolicy is "
                               "spec: {action: ALLOW}) or leave it out where that means the same",
            }[problem.rule]
            yield finding(problem.rule, ("extraResources", i, *problem.path), problem.message, fix)


def chart_values(config: MeshConfig) -> Iterator[Finding]:
    version = checked_against(config.istio.version)
    hatches: list[tuple[tuple[str | int, ...], str, Mapping[str, Any]]] = [
        *(((*path, "extraValues"), "istiod", istiod.extra_values)
          for path, istiod in istiods(config)),
        (("cni", "extraValues"), "cni", config.cni.extra_values),
        (("ztunnel", "extraValues"), "ztunnel", config.ztunnel.extra_values),
        *((("gateways", i, "extraValues"), "gateway", g.extra_values)
          for i, g in enumerate(config.gateways)),
    ]
    for path, chart, values in hatches:
        for key_path, suggestion in unknown_keys(chart, values, version):
            hint = f" (did you mean {suggestion!a}?)" if suggestion else ""
            yield finding("unknown-chart-value", (*path, *key_path),
                          f"is not a value of the {chart} chart in Istio {version}, so Helm "
                          f"ignores it{hint}",
                          "correct or remove it; the chart's values.yaml lists what it reads")


def version_unchecked(config: MeshConfig) -> Iterator[Finding]:
    """Any patch of a vendored minor is checked against that minor's data;
    only a minor with none vendored is checked against another release's."""
    checked = checked_against(config.istio.version)
    hatches = [*(istiod.extra_values for _, istiod in istiods(config)),
               config.cni.extra_values, config.ztunnel.extra_values,
               *(g.extra_values for g in config.gateways)]
    uses_data = bool(config.extra_resources) or any(hatches)
    if data_version(config.istio.version) is None and uses_data:
        yield finding("istio-version-unchecked", ("istio", "version"),
                      f"is {config.istio.version}; extraResources and extraValues were checked "
                      f"against Istio {checked}",
                      f"review them against Istio {config.istio.version}'s CRDs and chart values")


TELEMETRY_DOC = "docs/telemetry.md"


def legacy_tracing(config: MeshConfig) -> Iterator[Finding]:
    """Legacy tracing still works, but it is configured per mesh only, has no
    per-namespace overrides and is not where Istio adds features."""
    fix = ("define a tracing provider in mesh.extensionProviders and set "
           f"mesh.telemetry.tracing (see {TELEMETRY_DOC}#legacy-tracing)")
    if config.mesh.tracing.enabled:
        yield finding("legacy-tracing", ("mesh", "tracing", "enabled"),
                      "is true: legacy tracing (meshConfig enableTracing, "
                      "defaultConfig.tracing), which Istio keeps for compatibility only", fix)
    for path, istiod in istiods(config):
        mesh = istiod.extra_values.get("meshConfig")
        if not isinstance(mesh, Mapping):
            continue
        default_config = mesh.get("defaultConfig")
        keys: list[tuple[str, ...]] = [("enableTracing",)] if "enableTracing" in mesh else []
        if isinstance(default_config, Mapping) and "tracing" in default_config:
            keys.append(("defaultConfig", "tracing"))
        for key in keys:
            yield finding("legacy-tracing", (*path, "extraValues", "meshConfig", *key),
                          "sets legacy tracing, which Istio keeps for compatibility only", fix)


def access_log_file_unused(config: MeshConfig) -> Iterator[Finding]:
    """Where a Telemetry configures access logging, Istio no longer falls
    back to meshConfig.accessLogFile; only the built-in 'envoy' provider
    writes that file."""
    logging = config.mesh.telemetry.access_logging
    if config.mesh.access_log.file and logging is not None and "envoy" not in logging.providers:
        yield finding("access-log-file-unused", ("mesh", "accessLog", "file"),
                      f"is {config.mesh.access_log.file!a}, but the mesh-wide Telemetry's "
                      f"accessLogging does not name the 'envoy' provider, so no proxy writes it",
                      "add envoy to mesh.telemetry.accessLogging.providers, or remove "
                      f"mesh.accessLog.file (see {TELEMETRY_DOC}#access-logs)")
def gateway_api_crds_skipped(config: MeshConfig) -> Iterator[Finding]:
    """Skipping the CRDs is right where the cluster gets them elsewhere (a
    managed add-on), and a plan failure otherwise: say which object needs them."""
    if config.gateway_api.crds != "skip" or not uses_gateway_api(config):
        return
    users = [f"the waypoint of {ns.name!a}" for ns in config.namespaces if ns.waypoint]
    users += [f"gateway {g.name!a}" for g in config.gateways if g.api == "gateway-api"]
    yield finding("gateway-api-crds-skipped", ("gatewayApi", "crds"),
                  f"is skip, but {users[0]} is a Gateway API object: the policies stack "
                  f"cannot plan it on a cluster without the Gateway API CRDs",
                  f"keep skip only where the cluster already has the CRDs (at least "
                  f"{GATEWAY_API_VERSION}); otherwise set crds: auto")


CHECKS: tuple[Check, ...] = (
    environment_unset, prod_mtls, prod_single_istiod, prod_demo_profile, prod_egress,
    prod_access_logs, prod_resource_requests, prod_default_deny, prod_ca, ingress_closed,
    sidecar_scope_hides_call, route_weights, extra_resource_schemas, chart_values, version_unchecked,
    legacy_tracing, access_log_file_unused,
    gateway_api_crds_skipped,
)

"""Every rule the config linter knows: its id, severity and what it is about.

Pure data with no imports from the rest of the package, so that the config
models can check a waiver's rule id without importing the linter itself.
Rule ids are a public contract: configs name them in ``lint.waivers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    """One check. Errors fail ``check``; warnings fail it only with ``--strict``."""

    id: str
    severity: Severity
    summary: str


RULES: tuple[Rule, ...] = (
    Rule("environment-unset", "warning",
         "the config does not say which environment it is, so production rules are skipped"),
    Rule("prod-mtls-not-strict", "error",
         "a production mesh accepts plain-text traffic (mtls.mode is not STRICT)"),
    Rule("prod-mtls-override", "warning",
         "a namespace of a production mesh accepts plain-text traffic"),
    Rule("prod-single-istiod", "error",
         "a production control plane runs a single istiod"),
    Rule("prod-demo-profile", "error",
         "a production mesh is installed with Istio's demo profile"),
    Rule("prod-egress-allow-any", "warning",
         "a production mesh lets workloads call any host (outboundTrafficPolicy ALLOW_ANY)"),
    Rule("prod-access-logs-everywhere", "warning",
         "every proxy of a production mesh writes access logs"),
    Rule("prod-no-resource-requests", "warning",
         "a production component has no resource requests of its own"),
    Rule("prod-no-default-deny", "warning",
         "a production mesh allows every request that no policy mentions"),
    Rule("prod-self-signed-ca", "warning",
         "a production mesh signs workload certificates with istiod's self-signed root"),
    Rule("prod-floating-image-tag", "error",
         "a production release runs an image whose tag floats (latest, or none pinned)"),
    Rule("prod-extra-values-allow-any", "error",
         "extraValues of a production istiod undo outboundTrafficPolicy REGISTRY_ONLY"),
    Rule("prod-extra-values-replace-ca", "error",
         "extraValues of a production istiod undo the plug-in CA"),
    Rule("prod-egress-public-wildcard", "error",
         "a production egress host is a wildcard over a public suffix such as *.com"),
    Rule("prod-allow-from-every-namespace", "warning",
         "a production allow rule lets every namespace call a whole namespace, cancelling default deny"),
    Rule("prod-disruption-budget-blocks-drain", "error",
         "a production disruption budget lets no pod be evicted, so node drains hang"),
    Rule("prod-memory-limit-too-small", "error",
         "a production memory limit is too small for istiod (512Mi) or a sidecar (64Mi)"),
    Rule("prod-chart-repository-http", "error",
         "a production mesh installs its charts over plain HTTP"),
    Rule("prod-full-trace-sampling", "warning",
         "a production mesh traces every request"),
    Rule("prod-mtls-override-unknown-namespace", "warning",
         "a production mTLS override names a namespace the config does not list"),
    Rule("ingress-closed-by-default-deny", "warning",
         "default deny is on and an ingress gateway has no authorization.ingress entry"),
    Rule("sidecar-scope-hides-allowed-call", "warning",
         "an allow rule lets a namespace call one its Sidecar scope does not import"),
    Rule("route-weights", "error",
         "the weights of a route's destinations do not add up to 100"),
    Rule("unknown-kind", "error",
         "an extra resource has a kind the pinned Istio release does not define"),
    Rule("unknown-version", "error",
         "an extra resource uses an API version its kind does not serve"),
    Rule("old-api-version", "warning",
         "an extra resource uses an older API version than v1"),
    Rule("crd-schema", "error",
         "an extra resource is refused by its kind's schema"),
    Rule("empty-value", "warning",
         "an extra resource holds an empty map or list, which kubernetes_manifest mishandles"),
    Rule("unknown-chart-value", "warning",
         "extraValues sets a key the pinned chart does not have (Helm ignores it silently)"),
    Rule("istio-version-unchecked", "warning",
         "the config pins an Istio minor whose chart and CRD data the linter does not ship"),
    Rule("istio-minor-unsupported", "error",
         "the config pins an Istio minor that is out of support (no more security fixes)"),
    Rule("istio-patch-behind", "warning",
         "the config pins an older patch than the newest known one of its Istio minor"),
    Rule("retired-istio-host", "error",
         "the config names Istio's retired Google Cloud hosting for charts or images"),
    Rule("unused-waiver", "warning",
         "a waiver names a rule that found nothing to waive"),
    Rule("prod-no-priority-class", "warning",
         "a production istiod or gateway runs without a priority class"),
    Rule("prod-tolerates-every-taint", "warning",
         "a production istiod or gateway tolerates every taint (operator Exists, no key)"),
    Rule("prod-rollout-all-unavailable", "error",
         "a production rollout may take every replica (or every node's agent) down at once"),
    Rule("prod-node-agent-skips-tainted-nodes", "warning",
         "a production CNI agent or ztunnel no longer tolerates every taint"),
    Rule("legacy-tracing", "warning",
         "the config turns on legacy tracing (enableTracing, defaultConfig.tracing) instead of "
         "extension providers and the Telemetry API"),
    Rule("access-log-file-unused", "warning",
         "mesh.accessLog.file is set but the mesh-wide Telemetry's access logging leaves out the "
         "'envoy' provider that writes it"),
    Rule("prod-trace-sampling-high", "warning",
         "a production Telemetry traces more than 10% of requests"),
    Rule("gateway-api-crds-skipped", "warning",
         "a waypoint or gateway-api gateway needs the Gateway API CRDs and gatewayApi.crds is skip"),
    # Settings that cut traffic or open the mesh (lint/rules_security.py).
    Rule("identity-rule-without-mtls", "error",
         "an allow rule names callers by identity in a namespace whose mTLS is DISABLE"),
    Rule("address-points-at-proxy", "error",
         "a CA, istiod or primary address is the loopback address, so proxies dial themselves"),
    Rule("auto-mtls-off-with-strict", "error",
         "extraValues turn automatic mTLS off while workloads accept only mTLS (STRICT)"),
    Rule("client-tls-disabled-under-strict", "error",
         "an extra DestinationRule sends plain text to workloads that accept only mTLS"),
    Rule("prod-extra-resource-lowers-mtls", "warning",
         "an extra PeerAuthentication of a production mesh accepts plain text"),
    Rule("prod-extra-resource-allows-everything", "error",
         "an extra AuthorizationPolicy of a production mesh has an empty rule that allows everything"),
    Rule("prod-envoy-filter", "warning",
         "a production mesh patches Envoy's configuration with an EnvoyFilter"),
    Rule("prod-root-namespace-writable", "error",
         "the root namespace of a production mesh is one application teams write to"),
    Rule("default-deny-without-allow", "warning",
         "an onboarded namespace under default deny has no allow rule"),
    Rule("ingress-ip-allow-without-client-ip", "warning",
         "an ingress admits clients by address but the gateway never sees their address"),
    # What extraValues does to the typed settings (lint/rules_overrides.py).
    Rule("extra-values-override-typed", "error",
         "extraValues replace a value a typed setting wrote with a different one"),
    Rule("values-rejected-at-apply", "error",
         "the values a chart gets after extraValues make objects the API server refuses"),
    Rule("image-tag-version-mismatch", "error",
         "an image tag names another Istio release than the charts installed"),
    # Production availability (lint/rules_availability.py).
    Rule("prod-single-gateway-pod", "error",
         "a production ingress, east-west or routed egress gateway runs one pod"),
    Rule("prod-helm-not-atomic", "warning",
         "a production mesh leaves failed Helm upgrades half-applied (helm.atomic false)"),
    Rule("prod-destroy-unprotected", "error",
         "a destroy of a production mesh would delete the namespaces it created (no preventDestroy)"),
    Rule("prod-egress-gateway-public", "error",
         "a production egress gateway is reachable from outside the cluster"),
    Rule("prod-egress-plain-http", "warning",
         "a production external service is called in plain text"),
    # Gateway API (lint/rules_gateway_api.py).
    Rule("prod-gateway-api-experimental", "error",
         "a production mesh installs the experimental Gateway API CRDs"),
    Rule("prod-gateway-api-single-pod", "warning",
         "a production gateway-api gateway runs the one pod Istio deploys for it"),
    Rule("route-backend-denied", "warning",
         "default deny refuses what an HTTPRoute sends to its services"),
    Rule("route-rule-shadowed", "warning",
         "an HTTPRoute rule repeats an earlier rule's path and never gets a request"),
    Rule("prod-ingress-plain-http", "warning",
         "a production gateway-api gateway serves plain HTTP only"),
    Rule("listener-port-protocol-mismatch", "warning",
         "a listener serves HTTP on a TLS port or HTTPS on a plain HTTP port"),
    # Telemetry (lint/rules_telemetry.py).
    Rule("prod-scrape-interval", "warning",
         "a production scrape interval is seconds short or longer than Prometheus' staleness"),
    Rule("prod-monitors-unlabelled", "warning",
         "production PodMonitor and ServiceMonitor carry no labels for a Prometheus to select"),
    Rule("otlp-port-mismatch", "warning",
         "an OpenTelemetry provider speaks gRPC to the OTLP/HTTP port or HTTP to the gRPC one"),
    Rule("access-log-in-container", "warning",
         "proxies write access logs to a file inside their container"),
    Rule("telemetry-namespace-unknown", "warning",
         "a telemetry override names a namespace the config does not list"),
    # Scheduling (lint/rules_scheduling.py).
    Rule("placement-never-schedules", "error",
         "a node selector, toleration or anti-affinity no node can satisfy"),
    Rule("spread-unknown-topology-key", "warning",
         "a DoNotSchedule topology spread over a label Kubernetes does not set on every node"),
    Rule("ztunnel-skips-nodes", "warning",
         "ztunnel runs on some nodes only while namespaces are ambient"),
    # GitOps (lint/rules_gitops.py).
    Rule("prod-gitops-moving-revision", "error",
         "production Applications sync with prune from a branch instead of a tag or commit"),
    Rule("prod-gitops-default-project", "warning",
         "production Applications run in Argo CD's unrestricted default project"),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

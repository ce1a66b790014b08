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
         "the config pins an Istio release other than the one the linter's data comes from"),
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
    Rule("prod-no-istiod-alerts", "error",
         "a production mesh's observability section has no alert rules, so none on istiod"),
    Rule("scrape-interval-too-short", "warning",
         "the monitors scrape every proxy more often than every 15s"),
    Rule("prod-kiali-anonymous", "error",
         "Kiali in a production mesh lets anyone in (auth strategy anonymous)"),
    Rule("observability-version-mismatch", "warning",
         "the dashboards and metric list shipped are for another Istio release than the mesh runs"),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

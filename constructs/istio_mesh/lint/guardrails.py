"""Production guardrails: one setting that silently weakens or breaks a
production cluster although the config loads.

Each rule looks at what the config says and at what the charts will get (the
escape hatch ``extraValues`` is merged last, so it can undo any typed
setting). Like every production rule they apply with ``environment:
production`` only, and a config that truly means it waives the finding with a
written reason (``lint.waivers``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from istio_mesh.config.base import parse_quantity
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.mesh_settings import OutboundTrafficPolicy
from istio_mesh.lint.hatches import hatches, value_at, walk
from istio_mesh.lint.rules import Finding, finding, istiods, production

Path = tuple[str | int, ...]

ISTIOD_MIN_MEMORY = "512Mi"
"""Below this istiod is OOM-killed while it pushes a real mesh's configuration."""

SIDECAR_MIN_MEMORY = "64Mi"
"""Below this Envoy is OOM-killed at start-up with a non-trivial configuration."""

# Suffixes under which anyone can register a name: a wildcard on one of them
# lets workloads reach hosts nobody vetted. The top-level domains are caught
# by their shape (no dot); these are the common second-level public suffixes
# of the Public Suffix List (https://publicsuffix.org) and shared hosting.
PUBLIC_SUFFIXES = frozenset({
    "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.jp", "ne.jp",
    "or.jp", "com.br", "com.cn", "com.mx", "co.in", "co.nz", "co.za", "com.tr", "com.sg",
    "amazonaws.com", "s3.amazonaws.com", "cloudfront.net", "azurewebsites.net",
    "blob.core.windows.net", "appspot.com", "googleusercontent.com", "storage.googleapis.com",
    "herokuapp.com", "github.io", "netlify.app", "vercel.app", "pages.dev", "workers.dev",
})

# extraValues keys (dotted, under the istiod chart) that replace where
# workload certificates come from, and so undo ca.mode: plugin.
CA_KEYS = (
    "global.caAddress", "global.pilotCertProvider", "global.externalIstiod",
    "meshConfig.ca", "pilot.env.EXTERNAL_CA", "pilot.env.ROOT_CA_DIR",
    "pilot.env.PILOT_CERT_PROVIDER", "pilot.env.ENABLE_CA_SERVER",
)


def floating_image_tag(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    tag = config.istio.tag
    if tag is not None and tag.lower() in MOVING_TAGS:
        yield finding("prod-floating-image-tag", ("istio", "tag"),
                      f"is {tag!a}: every pod start may pull a different image, and a node "
                      f"restart can upgrade Istio unplanned",
                      "remove it (the charts pin the release's tag) or pin a version or a "
                      "digest")
    for hatch, values in hatches(config):
        for path, key, value in walk(values):
            if key == "tag" and (value is None or str(value).lower() in ("", *MOVING_TAGS)):
                yield finding("prod-floating-image-tag", (*hatch, *path),
                              f"is {value!a}: every pod start may pull a different image, and "
                              f"a node restart can upgrade Istio unplanned",
                              "remove it (the chart pins the release's tag) or pin a version "
                              "or a digest")
            elif key == "image" and isinstance(value, str) and _floating(value):
                yield finding("prod-floating-image-tag", (*hatch, *path),
                              f"is {value!a}, with no tag or digest pinned: every pod start "
                              f"may pull a different image",
                              "pin a version tag or a digest (image@sha256:...)")


MOVING_TAGS = frozenset({"latest", "master", "main", "nightly", "dev", "edge", "stable"})
"""Tags a registry moves to each new build: an image under one is never the same twice."""


def _floating(image: str) -> bool:
    if "@" in image:
        return False
    name = image.rsplit("/", 1)[-1]
    return ":" not in name or name.rsplit(":", 1)[1].lower() in MOVING_TAGS


def extra_values_allow_any(config: MeshConfig) -> Iterator[Finding]:
    if not production(config) or config.mesh.outbound_traffic_policy != OutboundTrafficPolicy.REGISTRY_ONLY:
        return
    for path, istiod in istiods(config):
        found, mode = value_at(istiod.extra_values, "meshConfig.outboundTrafficPolicy.mode")
        if found and mode != "REGISTRY_ONLY":
            yield finding("prod-extra-values-allow-any",
                          (*path, "extraValues", "meshConfig", "outboundTrafficPolicy", "mode"),
                          f"is {mode!a}, which overrides mesh.outboundTrafficPolicy: "
                          f"REGISTRY_ONLY: workloads can call any host outside the mesh",
                          "remove it; list the hosts workloads need in egress.services")


def extra_values_replace_ca(config: MeshConfig) -> Iterator[Finding]:
    if not production(config) or config.ca.mode != "plugin":
        return
    for path, istiod in istiods(config):
        for dotted in CA_KEYS:
            found, _ = value_at(istiod.extra_values, dotted)
            if found:
                yield finding("prod-extra-values-replace-ca",
                              (*path, "extraValues", *dotted.split(".")),
                              "changes where workload certificates come from, which undoes "
                              "ca.mode: plugin (the organisation's intermediate CA)",
                              "remove it; choose the CA with ca.mode")


def _public_suffix(host: str) -> str | None:
    """The public suffix a wildcard host covers whole (``*.com`` -> ``com``)."""
    if not host.startswith("*."):
        return None
    rest = host[2:]
    return rest if "." not in rest or rest in PUBLIC_SUFFIXES else None


def egress_public_wildcard(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for i, service in enumerate(config.egress.services):
        for j, host in enumerate(service.hosts):
            suffix = _public_suffix(host)
            if suffix is not None:
                yield finding("prod-egress-public-wildcard", ("egress", "services", i, "hosts", j),
                              f"is {host!a}: anyone can register a name under {suffix!a}, so "
                              f"workloads can reach hosts nobody vetted",
                              "list the exact hosts, or a wildcard under a domain you control")


def allow_from_every_namespace(config: MeshConfig) -> Iterator[Finding]:
    if not production(config) or not config.authorization.default_deny:
        return
    for i, rule in enumerate(config.authorization.allow):
        if "*" in rule.sources.namespaces and not rule.selector and not _narrowed(rule.to):
            yield finding("prod-allow-from-every-namespace",
                          ("authorization", "allow", i, "from", "namespaces"),
                          f"lets every namespace call every workload of {rule.namespace!a} on "
                          f"any port, which cancels default deny there",
                          "list the calling namespaces or service accounts, or narrow the rule "
                          "with a selector and to.ports")


def _narrowed(operations: Any) -> bool:
    return bool(operations.ports or operations.methods or operations.paths)


def disruption_budget_blocks_drain(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    budgets: list[tuple[Path, Any, int]] = [
        *(((*path, "extraValues", "pdb"), istiod.extra_values.get("pdb"), istiod.replicas)
          for path, istiod in istiods(config)),
        *((("gateways", i, "extraValues", "podDisruptionBudget"),
           g.extra_values.get("podDisruptionBudget"), g.replicas)
          for i, g in enumerate(config.gateways)),
    ]
    for path, budget, replicas in budgets:
        if not isinstance(budget, Mapping):
            continue
        blocking = _blocking(budget, replicas)
        if blocking is not None:
            key, value = blocking
            yield finding("prod-disruption-budget-blocks-drain", (*path, key),
                          f"is {value!a} with {replicas} replica(s): no pod may ever be "
                          f"evicted, so every node drain (and cluster upgrade) hangs",
                          "use maxUnavailable: 1, or remove it to keep the stack's budget")


def _blocking(budget: Mapping[str, Any], replicas: int) -> tuple[str, Any] | None:
    if "maxUnavailable" in budget and budget["maxUnavailable"] in (0, "0", "0%"):
        return "maxUnavailable", budget["maxUnavailable"]
    minimum = budget.get("minAvailable")
    if minimum == "100%" or (isinstance(minimum, int) and not isinstance(minimum, bool)
                             and minimum >= replicas):
        return "minAvailable", minimum
    return None


def memory_limits_too_small(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    checks: list[tuple[Path, Any, str, str]] = [
        *(((*path, "resources", "limits", "memory"), istiod.resources, ISTIOD_MIN_MEMORY, "istiod")
          for path, istiod in istiods(config)),
        (("mesh", "proxy", "resources", "limits", "memory"), config.mesh.proxy.resources,
         SIDECAR_MIN_MEMORY, "a sidecar proxy"),
    ]
    for path, resources, floor, what in checks:
        limit = resources.limits.memory if resources is not None and resources.limits else None
        if limit and parse_quantity(limit) < parse_quantity(floor):
            yield finding("prod-memory-limit-too-small", path,
                          f"is {limit!a}, below the {floor} {what} needs: it is OOM-killed "
                          f"under a production configuration",
                          f"raise it to at least {floor} (measure usage and add headroom)")


def chart_repository_http(config: MeshConfig) -> Iterator[Finding]:
    if production(config) and config.istio.chart_repository.startswith("http://"):
        yield finding("prod-chart-repository-http", ("istio", "chartRepository"),
                      f"is {config.istio.chart_repository!a}: charts travel unencrypted, so "
                      f"anyone on the path can change what is installed",
                      "use the https:// or oci:// address of the repository")


def _sampling(config: MeshConfig) -> Iterator[tuple[Path, float]]:
    """(field path, percentage) of every sampling rate the config sets:
    legacy tracing's and each Telemetry's."""
    tracing = config.mesh.tracing
    if tracing.enabled:
        yield ("mesh", "tracing", "sampling"), tracing.sampling
    for where, policy in config.mesh.telemetry.policies():
        rate = policy.tracing.random_sampling_percentage if policy.tracing else None
        if rate is not None:
            yield ("mesh", "telemetry", *where, "tracing", "randomSamplingPercentage"), rate


def full_trace_sampling(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for path, rate in _sampling(config):
        if rate >= 100:
            yield finding("prod-full-trace-sampling", path,
                          f"is {rate:g}: every request is traced, which costs proxy "
                          f"CPU and tracing storage at production volume",
                          "sample a small share (1 is usual) and trace more with a Telemetry "
                          "resource where needed")


HIGH_SAMPLING = 10.0
"""Above this share, tracing a production mesh costs more than it tells."""


def trace_sampling_high(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    for path, rate in _sampling(config):
        if HIGH_SAMPLING < rate < 100 and path[1] == "telemetry":
            yield finding("prod-trace-sampling-high", path,
                          f"is {rate:g}: more than {HIGH_SAMPLING:g}% of requests are traced, "
                          f"which costs proxy CPU and tracing storage at production volume",
                          "sample 1 to 10 percent mesh-wide and raise it in the namespace "
                          "being investigated, for as long as needed")


def mtls_override_unknown_namespace(config: MeshConfig) -> Iterator[Finding]:
    if not production(config):
        return
    known = {ns.name for ns in config.namespaces}
    for name in sorted(config.mtls.namespace_overrides):
        if name not in known:
            yield finding("prod-mtls-override-unknown-namespace",
                          ("mtls", "namespaceOverrides", name),
                          f"names {name!a}, which namespaces does not list: a typo leaves the "
                          f"namespace meant on the mesh-wide mode, and a stale entry outlives "
                          f"the namespace",
                          f"add {name!a} to namespaces or remove the override")


GUARDRAILS = (
    floating_image_tag, extra_values_allow_any, extra_values_replace_ca, egress_public_wildcard,
    allow_from_every_namespace, disruption_budget_blocks_drain, memory_limits_too_small,
    chart_repository_http, full_trace_sampling, mtls_override_unknown_namespace,
    trace_sampling_high,
)

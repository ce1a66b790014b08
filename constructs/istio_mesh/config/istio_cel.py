"""The CEL rules of Istio's CRDs that an extra resource is most likely to
break, checked at synth time with the CRDs' own messages.

The API server evaluates every ``x-kubernetes-validations`` rule at apply,
half-way through a deploy; the tests evaluate all of them against every
object the stacks emit (``tests/contracts/test_cel_rules.py``). The rules here are the
ones a hand-written spec trips over, rewritten in Python so the config layer
needs no CEL runtime; each is named after the CRD rule it mirrors.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Problem = tuple[tuple[str | int, ...], str]

_SELECTOR_KINDS = frozenset({
    "AuthorizationPolicy", "PeerAuthentication", "RequestAuthentication", "Telemetry",
    "WasmPlugin", "TrafficExtension",
})


def _one_of(spec: Mapping[str, Any], *keys: str) -> bool:
    return sum(key in spec for key in keys) <= 1


def _service_entry(spec: Mapping[str, Any]) -> Iterator[Problem]:
    # ServiceEntry spec: (has(workloadSelector) ? 1 : 0) + (has(endpoints) ? 1 : 0) <= 1
    if not _one_of(spec, "workloadSelector", "endpoints"):
        yield ("workloadSelector",), "only one of WorkloadSelector or Endpoints can be set"
    # ServiceEntry hosts items: self != "*"
    hosts = spec.get("hosts")
    for i, host in enumerate(hosts if isinstance(hosts, list) else []):
        if host == "*":
            yield ("hosts", i), "hostname cannot be wildcard"


def _authorization_policy(spec: Mapping[str, Any]) -> Iterator[Problem]:
    # rules[].from[].source: serviceAccounts exclude namespaces and principals.
    rules = spec.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        sources = rule.get("from") if isinstance(rule, Mapping) else None
        for j, entry in enumerate(sources if isinstance(sources, list) else []):
            source = entry.get("source") if isinstance(entry, Mapping) else None
            if not isinstance(source, Mapping):
                continue
            accounts = "serviceAccounts" in source or "notServiceAccounts" in source
            others = {"principals", "notPrincipals", "namespaces", "notNamespaces"} & set(source)
            if accounts and others:
                yield (("rules", i, "from", j, "source"),
                       "Cannot set serviceAccounts with namespaces or principals")


def _selector_or_target(kind: str, spec: Mapping[str, Any]) -> Iterator[Problem]:
    if kind in _SELECTOR_KINDS and not _one_of(spec, "selector", "targetRef", "targetRefs"):
        yield ("selector",), "only one of targetRefs or selector can be set"


def cel_problems(kind: str, spec: Mapping[str, Any]) -> list[Problem]:
    """(path below ``spec``, the CRD's message) for each rule ``spec`` breaks."""
    found = list(_selector_or_target(kind, spec))
    if kind == "ServiceEntry":
        found += _service_entry(spec)
    elif kind == "AuthorizationPolicy":
        found += _authorization_policy(spec)
    return found

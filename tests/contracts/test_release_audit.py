"""Audit of every Helm release in every synthesized stack.

Releases are found in the synthesized JSON, not from a list of known ones, so
a release added later (another chart, a revision, a new stack) is audited
without touching this file. Every release must wait for its workloads, have
a bounded timeout, clean up after a failed install or upgrade, and keep a
bounded history. The one exception is documented: a gateway whose
LoadBalancer address arrives late waits for nothing (and so cannot be atomic).
"""

from __future__ import annotations

from typing import Any

from conftest import Synth, expected_release_repository, expected_release_version
from istio_mesh.config.cluster import MeshConfig

TIMEOUT_BOUNDS = (60, 3600)
HISTORY_BOUNDS = (1, 100)


def release_problems(name: str, release: dict[str, Any], config: MeshConfig) -> list[str]:
    """What is wrong with one synthesized helm_release, as readable lines."""
    problems = []
    late_lb = {g.name for g in config.gateways
               if g.service_type == "LoadBalancer" and not g.service.wait_for_address}
    waits = name not in late_lb
    expected = {
        "wait": waits,
        "wait_for_jobs": waits,
        "atomic": config.helm.atomic and waits,
        "cleanup_on_fail": True,
        "timeout": config.helm.timeout_seconds,
        "max_history": config.helm.max_history,
        "version": expected_release_version(config, name),
        "repository": expected_release_repository(config, name),
    }
    for key, value in expected.items():
        if release.get(key) != value:
            problems.append(f"{name}: {key} is {release.get(key)!r}, expected {value!r}")
    timeout, history = release.get("timeout"), release.get("max_history")
    if not (isinstance(timeout, int) and TIMEOUT_BOUNDS[0] <= timeout <= TIMEOUT_BOUNDS[1]):
        problems.append(f"{name}: timeout {timeout!r} is not within {TIMEOUT_BOUNDS}")
    if not (isinstance(history, int) and HISTORY_BOUNDS[0] <= history <= HISTORY_BOUNDS[1]):
        problems.append(f"{name}: max_history {history!r} is not within {HISTORY_BOUNDS}")
    for key in ("set", "set_sensitive", "skip_crds", "reuse_values", "force_update"):
        if key in release:
            problems.append(f"{name}: sets {key}")
    return problems


def every_release(synth: Synth) -> list[tuple[str, str, dict[str, Any]]]:
    """(stack, release address, release) for every helm_release in the manifest's stacks."""
    return [
        (stack, name, release)
        for stack in synth.stack_names()
        for name, release in synth.stack(stack).get("resource", {}).get("helm_release", {}).items()
    ]


def test_every_release_in_every_stack_passes_the_audit(
    synth: Synth, all_configs: dict[str, MeshConfig]
) -> None:
    problems = [
        f"{stack}: {problem}"
        for stack, name, release in every_release(synth)
        for problem in release_problems(name, release, all_configs[stack.rsplit("-", 1)[0]])
    ]
    assert problems == []


# The Helm releases each mesh stack installs, read off the configs by hand (a
# guard against a vacuous audit): base, one istiod per revision, cni and
# ztunnel where enabled, one per chart gateway, the Gateway API CRDs where
# something uses them, Kiali where observability turns it on.
RELEASES = {
    "ambient": ["gateway-api-crds", "istio-base", "istio-cni", "istio-ingressgateway", "istiod", "ztunnel"],
    "ambient-multicluster": ["istio-base", "istio-cni", "istio-eastwestgateway", "istiod", "ztunnel"],
    "central": ["istio-base", "istio-eastwestgateway", "istiod"],
    "dev": ["istio-base", "istiod"],
    "east": ["istio-base", "istio-eastwestgateway", "istiod"],
    "edge": ["istio-base", "istio-eastwestgateway", "istiod"],
    "everything": ["istio-base", "istio-cni", "istio-egressgateway", "istiod", "late-lb-gateway",
                   "public-gateway"],
    "external-ca": ["istio-base", "istio-ingressgateway", "istiod"],
    "gateway-api-ingress": ["gateway-api-crds", "istio-base", "istio-egressgateway", "istiod"],
    "hcp": ["istio-base", "istio-egressgateway", "istiod", "public-ingress"],
    "observability": ["istio-base", "istio-cni", "istio-ingressgateway", "istiod", "kiali"],
    "prod": ["istio-base", "istio-cni", "istio-egressgateway", "istio-ingressgateway", "istiod"],
    "security-pack": ["istio-base", "istio-egressgateway", "istio-ingressgateway", "istiod",
                      "partner-gateway"],
    "staging": ["istio-base", "istio-ingressgateway", "istiod"],
    "telemetry": ["istio-base", "istiod"],
    "upgrade-step-0": ["istio-base", "istio-cni", "istio-ingressgateway", "istiod-1-29-6"],
    "upgrade-step-1": ["istio-base", "istio-cni", "istio-ingressgateway", "istiod-1-29-6", "istiod-1-30-3"],
    "upgrade-step-2": ["istio-base", "istio-cni", "istio-ingressgateway", "istiod-1-29-6", "istiod-1-30-3"],
    "upgrade-step-3": ["istio-base", "istio-cni", "istio-ingressgateway", "istiod-1-29-6", "istiod-1-30-3"],
    "upgrade-step-4": ["istio-base", "istio-cni", "istio-ingressgateway", "istiod-1-29-6", "istiod-1-30-3"],
    "upgrade-step-5": ["istio-base", "istio-cni", "istio-ingressgateway", "istiod-1-30-3"],
    "west": ["istio-base", "istio-eastwestgateway", "istiod"],
}


def test_the_audit_sees_every_release(synth: Synth, all_configs: dict[str, MeshConfig]) -> None:
    found: dict[str, list[str]] = {}
    for stack, name, _ in every_release(synth):
        found.setdefault(stack.rsplit("-", 1)[0], []).append(name)
    assert {cluster: sorted(names) for cluster, names in found.items()} == RELEASES
    assert set(all_configs) == set(RELEASES)


def test_the_audit_catches_a_release_that_forgot_its_settings(
    all_configs: dict[str, MeshConfig]
) -> None:
    bare = {"chart": "istiod", "version": "1.30.3", "set": []}
    assert release_problems("istiod", bare, all_configs["prod"]) == [
        "istiod: wait is None, expected True",
        "istiod: wait_for_jobs is None, expected True",
        "istiod: atomic is None, expected True",
        "istiod: cleanup_on_fail is None, expected True",
        "istiod: timeout is None, expected 900",
        "istiod: max_history is None, expected 10",
        "istiod: repository is None, expected 'https://blob.istio.io/istio-release/charts'",
        "istiod: timeout None is not within (60, 3600)",
        "istiod: max_history None is not within (1, 100)",
        "istiod: sets set",
    ]


def test_the_late_address_gateway_is_the_one_release_that_does_not_wait(synth: Synth) -> None:
    waiting = {name: release["wait"] for stack, name, release in every_release(synth)}
    assert [name for name, wait in waiting.items() if not wait] == ["late-lb-gateway"]

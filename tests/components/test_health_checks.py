"""The health checks in every mesh stack of the shipped configs.

What each stack must carry is written out per stack (ambient: ztunnel and
CNI; sidecar: the injector; LoadBalancer gateways: an address). Every check
must be about something the stack installs, and must not be vacuous: under
the real Terraform, each stack is applied with the stand-ins of its lists
reporting a healthy mesh (no check fails), then planned with an unhealthy
one (every check fails, with its message). The healthy and unhealthy
objects are built here from Istio's naming conventions and the stack's own
releases, not from the check code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import Synth, config_from, fresh_stack, synth_stack
from terraform_harness import Project, unwrapped
from istio_mesh.components.terraform_check import Assertion, ScopedData, TerraformCheck

SHIPPED_MESH_STACKS = {
    "ambient-mesh": ["data-plane-skew", "gateway-istio-ingressgateway-address", "istio-cni-ready",
                     "istiod-ready", "sidecar-injector-webhooks", "validation-webhooks", "ztunnel-ready"],
    "dev-mesh": ["data-plane-skew", "istiod-ready", "sidecar-injector-webhooks", "validation-webhooks"],
    "prod-mesh": ["data-plane-skew", "gateway-istio-ingressgateway-address", "istio-cni-ready",
                  "istiod-ready", "sidecar-injector-webhooks", "validation-webhooks"],
    "staging-mesh": ["data-plane-skew", "gateway-istio-ingressgateway-address", "istiod-ready",
                     "sidecar-injector-webhooks", "validation-webhooks"],
    "east-mesh": ["data-plane-skew", "gateway-istio-eastwestgateway-address", "istiod-ready",
                  "sidecar-injector-webhooks", "validation-webhooks"],
    "west-mesh": ["data-plane-skew", "gateway-istio-eastwestgateway-address", "istiod-ready",
                  "sidecar-injector-webhooks", "validation-webhooks"],
    "central-mesh": ["data-plane-skew", "gateway-istio-eastwestgateway-address", "istiod-ready",
                     "sidecar-injector-webhooks", "validation-webhooks"],
    # A remote runs no istiod and no validation webhook of its own.
    "edge-mesh": ["data-plane-skew", "gateway-istio-eastwestgateway-address", "sidecar-injector-webhooks"],
    "upgrade-step-4-mesh": ["data-plane-skew", "gateway-istio-ingressgateway-address", "istio-cni-ready",
                            "istiod-1-29-6-ready", "istiod-1-30-3-ready", "sidecar-injector-webhooks",
                            "validation-webhooks"],
}


def releases(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = stack["resource"]["helm_release"]
    return found


def values(release: dict[str, Any]) -> dict[str, Any]:
    return json.loads(release["values"][0]) if release.get("values") else {}


def istiods(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Revision -> istiod release."""
    return {values(r).get("revision") or "default": r for r in releases(stack).values() if r["chart"] == "istiod"}


def scoped(stack: dict[str, Any], check: str) -> dict[str, Any]:
    body: dict[str, Any] = stack["check"][check]["data"]["kubernetes_resources"][check]
    return body


@pytest.mark.parametrize("name", sorted(SHIPPED_MESH_STACKS))
def test_each_mesh_stack_carries_the_checks_that_apply_to_it(synth: Synth, name: str) -> None:
    stack = synth.stack(name)
    assert sorted(stack["check"]) == SHIPPED_MESH_STACKS[name]
    assert "kubernetes" in stack["terraform"]["required_providers"]


@pytest.mark.parametrize("name", sorted(SHIPPED_MESH_STACKS))
def test_every_check_is_about_something_the_stack_installs(synth: Synth, name: str) -> None:
    stack = synth.stack(name)
    installed = releases(stack)
    for check in stack["check"]:
        body = scoped(stack, check)
        waits = body["depends_on"]
        assert waits and all(a.split(".", 1)[1] in installed or a.startswith("kubernetes_manifest.")
                             for a in waits), (check, waits)
        if body["kind"] == "DaemonSet":
            chart = {"istio-cni-node": "cni", "ztunnel": "ztunnel"}[body["field_selector"].split("=")[1]]
            assert [r["chart"] for r in installed.values()].count(chart) == 1
        if body["kind"] == "Service":
            gateway = installed[body["field_selector"].split("=")[1]]
            assert gateway["chart"] == "gateway"
            assert values(gateway).get("service", {}).get("type", "LoadBalancer") == "LoadBalancer"
        if body["kind"] == "Deployment":
            assert body["field_selector"].split("=")[1] in {r["name"] for r in istiods(stack).values()}


def test_the_checks_can_be_turned_off_per_cluster() -> None:
    from istio_mesh.stacks import MeshStack
    from istio_mesh.runtime.terraform import App

    config = config_from("healthChecks: {enabled: false}\ngateways: [{name: edge, kind: ingress}]")
    stack = synth_stack(MeshStack(App(), "off-mesh", config=config))
    assert "check" not in stack
    assert "kubernetes" not in stack.get("provider", {})


def test_the_check_construct_writes_terraform_json_syntax() -> None:
    stack = fresh_stack()
    TerraformCheck(stack, "c", name="answer", data=ScopedData("http", "site", {"url": "https://example.com"}, ["x.y"]),
                   assertions=[Assertion("${data.http.site.status_code == 200}", "site is down")])
    assert synth_stack(stack)["check"] == {"answer": {
        "data": {"http": {"site": {"url": "https://example.com", "depends_on": ["x.y"]}}},
        "assert": [{"condition": "${data.http.site.status_code == 200}", "error_message": "site is down"}],
    }}


# What the cluster returns, per check, healthy or not.

def _webhook_names(stack: dict[str, Any], kind: str) -> list[str]:
    revisions = sorted(istiods(stack))
    if kind == "MutatingWebhookConfiguration":
        names = [f"istio-sidecar-injector{'' if r == 'default' else '-' + r}" for r in revisions]
        names += [m["manifest"]["metadata"]["name"]
                  for m in stack["resource"].get("kubernetes_manifest", {}).values()
                  if m["manifest"]["kind"] == "MutatingWebhookConfiguration"]
        return names
    names = [f"istio-validator{'' if r == 'default' else '-' + r}-istio-system" for r in revisions]
    base = next(r for r in releases(stack).values() if r["chart"] == "base")
    return names + (["istiod-default-validator"] if values(base).get("defaultRevision") else [])


def cluster_objects(stack: dict[str, Any], check: str, healthy: bool) -> list[Any]:
    body = scoped(stack, check)
    kind = body["kind"]
    name = body.get("field_selector", "=").split("=")[1]
    if kind == "Deployment":
        release = next(r for r in istiods(stack).values() if r["name"] == name)
        floor = values(release)["autoscaleMin"] if values(release).get("autoscaleEnabled") else values(release)["replicaCount"]
        return [{"metadata": {"name": name}, "status": {"readyReplicas": floor if healthy else floor - 1}}]
    if kind == "DaemonSet":
        return [{"metadata": {"name": name}, "status": {"desiredNumberScheduled": 3, "numberReady": 3 if healthy else 2}}]
    if kind == "Service":
        status = {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}} if healthy else {"loadBalancer": {}}
        return [{"metadata": {"name": name}, "status": status}]
    if kind.endswith("WebhookConfiguration"):
        webhook = {"clientConfig": {"caBundle": "LS0tLS1CRUdJTg=="}, "failurePolicy": "Fail"}
        objects = [{"metadata": {"name": n}, "webhooks": [webhook]} for n in _webhook_names(stack, kind)]
        if not healthy:
            objects[0]["webhooks"] = [{"clientConfig": {}, "failurePolicy": "Ignore"}]
        return objects
    assert kind == "Pod"
    revision, release = sorted(istiods(stack).items())[0]
    major, minor = release["version"].split(".")[:2]
    proxy = f"{major}.{int(minor) - (0 if healthy else 2)}.0"
    return [{"metadata": {"namespace": "shop", "name": "cart-1", "labels": {"istio.io/rev": revision}},
             "spec": {"containers": [{"name": "cart", "image": "example/cart:1.0.0"},
                                     {"name": "istio-proxy", "image": f"docker.io/istio/proxyv2:{proxy}"}]}}]


def failed_checks(output: str) -> list[str]:
    return sorted(set(re.findall(r'in check\.([\w-]+)\.assert', output)))


@pytest.mark.parametrize("name", sorted(SHIPPED_MESH_STACKS))
def test_every_check_passes_on_a_healthy_mesh_and_fails_on_an_unhealthy_one(
    synth: Synth, name: str, tmp_path: Path,
) -> None:
    stack = synth.stack(name)
    project = Project(tmp_path / "project", name)
    checks = sorted(stack["check"])
    project.write(stack, {c: cluster_objects(stack, c, healthy=True) for c in checks})
    project.succeed("init")
    applied = project.terraform("apply", "-auto-approve")
    assert applied.returncode == 0, applied.stderr
    assert failed_checks(applied.stdout + applied.stderr) == []
    project.write(stack, {c: cluster_objects(stack, c, healthy=False) for c in checks})
    plan = project.terraform("plan")
    assert plan.returncode == 0, plan.stderr  # a failed check warns, it never blocks
    output = unwrapped(plan.stdout + plan.stderr)
    assert failed_checks(plan.stdout + plan.stderr) == checks
    assert output.count("Warning: Check block assertion failed") == len(checks)
    assert output.count("Istio health:") == len(checks)

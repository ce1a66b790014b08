"""The mesh's health, asserted by Terraform after every plan and apply.

Renders the plan's :class:`istio_mesh.plan.day_two.HealthCheck` items as
:class:`TerraformCheck` blocks, each reading one list through the Kubernetes
provider's ``kubernetes_resources`` data source. A failed check is a warning
on ``plan`` and ``apply`` and a failure in ``terraform test`` (docs/day-two.md
shows how to run them as a test). Every message names what failed and where
to look.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from istio_mesh.components.terraform_check import Assertion, ScopedData, TerraformCheck
from istio_mesh.plan.day_two import SUPPORTED_DATA_PLANE_SKEW, HealthCheck, ResourceQuery
from istio_mesh.runtime.terraform import Construct

DATA_SOURCE = "kubernetes_resources"
PREFIX = "Istio health:"


def query_arguments(query: ResourceQuery) -> dict[str, str]:
    """The data source's arguments, without the unset ones."""
    arguments = {"api_version": query.api_version, "kind": query.kind}
    for key, value in (("namespace", query.namespace), ("field_selector", query.field_selector),
                       ("label_selector", query.label_selector)):
        if value is not None:
            arguments[key] = value
    return arguments


def hcl_list(values: Sequence[str]) -> str:
    """An HCL tuple of string literals (JSON string syntax is HCL's)."""
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def or_none(expression: str) -> str:
    """An HCL list of strings as ``a, b`` text, or ``none``."""
    return f'length({expression}) == 0 ? "none" : join(", ", {expression})'


def _istiod_ready(check: HealthCheck, objects: str) -> Assertion:
    ready = f"try({objects}[0].status.readyReplicas, 0)"
    namespace, name = check.query.namespace, check.object_name
    return Assertion(
        condition=f"${{length({objects}) == 1 && {ready} >= {check.ready_replicas}}}",
        error_message=(
            f"{PREFIX} {check.subject} has ${{{ready}}} ready replicas"
            f'${{length({objects}) == 0 ? " (no such Deployment)" : ""}}; its autoscaler floor is '
            f"{check.ready_replicas}. Look at `kubectl -n {namespace} describe deployment {name}` "
            f"(events, unschedulable pods) and istiod's log (`kubectl -n {namespace} logs "
            f"deployment/{name}`)."
        ),
    )


def _webhooks(policy_note: str, listing: str) -> Callable[[HealthCheck, str], Assertion]:
    def assertion(check: HealthCheck, objects: str) -> Assertion:
        names = f"[for w in {objects} : w.metadata.name]"
        missing = f"sort(setsubtract({hcl_list(check.expected_names)}, {names}))"
        no_ca = (f"[for w in {objects} : w.metadata.name if anytrue([for h in try(w.webhooks, []) : "
                 'try(h.clientConfig.caBundle, "") == ""])]')
        policy = (f"[for w in {objects} : w.metadata.name if anytrue([for h in try(w.webhooks, []) : "
                  'try(h.failurePolicy, "Fail") != "Fail"])]')
        return Assertion(
            condition=f"${{length({missing}) == 0 && length({no_ca}) == 0 && length({policy}) == 0}}",
            error_message=(
                f"{PREFIX} {check.subject}: missing: ${{{or_none(missing)}}}; without a CA bundle: "
                f"${{{or_none(no_ca)}}}; failurePolicy other than Fail: ${{{or_none(policy)}}}. "
                f"istiod patches the CA bundle into the webhooks labelled with its revision{policy_note}: "
                f"look at istiod's log for webhook errors and at `{listing} -o yaml`."
            ),
        )
    return assertion


def _daemonset_ready(check: HealthCheck, objects: str) -> Assertion:
    desired = f"try({objects}[0].status.desiredNumberScheduled, 0)"
    ready = f"try({objects}[0].status.numberReady, 0)"
    namespace, name = check.query.namespace, check.object_name
    return Assertion(
        condition=f"${{length({objects}) == 1 && {desired} > 0 && {ready} == {desired}}}",
        error_message=(
            f"{PREFIX} {check.subject} is ready on ${{{ready}}} of ${{{desired}}} scheduled nodes"
            f'${{length({objects}) == 0 ? " (no such DaemonSet)" : ""}}. Look at '
            f"`kubectl -n {namespace} get pods -o wide` for the nodes whose {name} pod is not ready "
            f"and at its log; none scheduled: compare the DaemonSet's nodeSelector and tolerations "
            f"with the nodes' labels and taints (`kubectl -n {namespace} describe daemonset {name}`)."
        ),
    )


def _gateway_address(check: HealthCheck, objects: str) -> Assertion:
    ingress = f"try({objects}[0].status.loadBalancer.ingress, [])"
    namespace, name = check.query.namespace, check.object_name
    return Assertion(
        condition=f"${{length({objects}) == 1 && length({ingress}) > 0}}",
        error_message=(
            f"{PREFIX} {check.subject} (type LoadBalancer) has no external address"
            f'${{length({objects}) == 0 ? " (no such Service)" : ""}}. The events of '
            f"`kubectl -n {namespace} describe service {name}` say why the load-balancer "
            "controller has not provisioned one (quota, subnets, annotations)."
        ),
    )


def skew_offenders(check: HealthCheck, objects: str) -> str:
    """HCL: ``namespace/pod (revision r, proxy 1.m)`` for each istio-proxy
    container whose minor is more than the supported skew behind its
    revision's control plane, or ahead of it. Images without a readable
    ``:major.minor.`` tag are not judged."""
    minors = "{" + ", ".join(f"{json.dumps(r)} = {m}" for r, m in sorted(check.revision_minors.items())) + "}"
    oldest, newest = min(check.revision_minors.values()), max(check.revision_minors.values())
    proxies = (
        f"flatten([for p in {objects} : [for c in concat(try(p.spec.containers, []), "
        "try(p.spec.initContainers, [])) : {pod = \"${p.metadata.namespace}/${p.metadata.name}\", "
        'rev = try(p.metadata.labels["istio.io/rev"], ""), '
        'version = try(join(".", regex(":([0-9]+)[.]([0-9]+)[.]", c.image)), "")} '
        'if c.name == "istio-proxy"]])'
    )
    minor = 'tonumber(split(".", x.version)[1])'
    return (
        f'[for x in {proxies} : "${{x.pod}} (revision ${{x.rev}}, proxy ${{x.version}})" '
        f'if x.version != "" && ({minor} < lookup({minors}, x.rev, {oldest}) - {SUPPORTED_DATA_PLANE_SKEW} '
        f"|| {minor} > lookup({minors}, x.rev, {newest}))]"
    )


def _data_plane_skew(check: HealthCheck, objects: str) -> Assertion:
    offenders = skew_offenders(check, objects)
    return Assertion(
        condition=f"${{length({offenders}) == 0}}",
        error_message=(
            f"{PREFIX} ${{length({offenders})}} proxies are outside Istio's supported skew (at most "
            f"{SUPPORTED_DATA_PLANE_SKEW} minor version behind the control plane of their revision, "
            f"never ahead of it): ${{join(\", \", slice({offenders}, 0, min(10, length({offenders}))))}}. "
            "Restart those workloads (`kubectl -n NAMESPACE rollout restart deployment NAME`) so "
            "their revision injects its own proxy, or point their namespace at a current revision "
            "or tag."
        ),
    )


ASSERTIONS: dict[str, Callable[[HealthCheck, str], Assertion]] = {
    "istiod-ready": _istiod_ready,
    "injector-webhooks": _webhooks("", "kubectl get mutatingwebhookconfiguration -l app=sidecar-injector"),
    "validation-webhooks": _webhooks(
        ", and sets failurePolicy Fail once its validation endpoint answers",
        "kubectl get validatingwebhookconfiguration -l app=istiod",
    ),
    "daemonset-ready": _daemonset_ready,
    "gateway-address": _gateway_address,
    "data-plane-skew": _data_plane_skew,
}


class MeshHealthChecks(Construct):
    """One ``check`` block per plan health check, in plan order.

    Each check's data source waits for the releases it judges (``after``), so
    an apply checks what it just applied; a plan that changes them reports
    the check as known after apply, and a plan that leaves them alone (or a
    refresh-only plan, as ``terraform test`` runs it) reads the cluster.

    Keyword arguments:
        checks: the mesh plan's health checks, in plan order (required; may
            be empty). The checks use the stack's default Kubernetes provider.
    """

    def __init__(self, scope: Construct, construct_id: str, *, checks: Sequence[HealthCheck]) -> None:
        super().__init__(scope, construct_id)
        self.checks: list[TerraformCheck] = []
        for check in checks:
            objects = f"data.{DATA_SOURCE}.{check.name}.objects"
            self.checks.append(TerraformCheck(
                self,
                check.name,
                name=check.name,
                data=ScopedData(DATA_SOURCE, check.name, query_arguments(check.query), check.after),
                assertions=[ASSERTIONS[check.kind](check, objects)],
            ))

"""Day two, as plain data: the retirement guards and the health checks a
mesh stack carries.

Neither is an object in the cluster, so neither is an :class:`Item` of the
mesh plan (the GitOps export and the deploy graph only see items). Each
health check names the one Kubernetes list it reads (a Terraform ``check``
block holds at most one data source), what it expects of the result, and
the releases it waits for; :mod:`istio_mesh.components.health_checks`
turns the expectation into Terraform expressions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from istio_mesh.config.control_planes import DEFAULT_REVISION, control_planes, default_revision, managed_tags
from istio_mesh.config.day_two import RetiredRevision
from istio_mesh.config.gateway_api import installs_gateway_api_crds
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan.items import HelmReleaseItem
from istio_mesh.manifests.revision_tags import tag_webhook_name
from istio_mesh.values.common import replica_floor

SUPPORTED_DATA_PLANE_SKEW = 1
"""Minor versions a proxy may lag its control plane: Istio supports a control
plane one minor ahead of its data plane, never behind it
(https://istio.io/latest/docs/releases/supported-releases/#control-planedata-plane-skew)."""

CheckKind = Literal["istiod-ready", "injector-webhooks", "validation-webhooks", "daemonset-ready",
                    "gateway-address", "data-plane-skew"]


@dataclass(frozen=True)
class ResourceQuery:
    """One ``kubernetes_resources`` list: a kind, maybe a namespace, and selectors."""

    api_version: str
    kind: str
    namespace: str | None = None
    field_selector: str | None = None
    label_selector: str | None = None


@dataclass(frozen=True)
class HealthCheck:
    """One Terraform ``check`` block: what it reads and what it expects."""

    name: str
    """The check block's name (and the scoped data source's)."""
    kind: CheckKind
    query: ResourceQuery
    subject: str
    """What is checked, in the words of the message (``Deployment istio-system/istiod``)."""
    after: tuple[str, ...]
    """Addresses the read waits for, so an apply checks what it just applied."""
    object_name: str = ""
    """The one object a single-object check reads (Deployment, DaemonSet, Service)."""
    ready_replicas: int = 0
    """istiod-ready: the autoscaler's floor."""
    expected_names: tuple[str, ...] = ()
    """Webhook checks: the configurations the releases and tags create."""
    revision_minors: Mapping[str, int] = field(default_factory=dict)
    """data-plane-skew: revision -> its control plane's minor version."""


@dataclass(frozen=True)
class RetirementGuard:
    """A revision the config retires: the guard stays in the configuration
    while the release it protects is being removed from it."""

    revision: str
    release_name: str
    override_reason: str | None

    @property
    def address_name(self) -> str:
        return f"{self.release_name}-retirement-guard"


def retirement_guards(config: MeshConfig) -> tuple[RetirementGuard, ...]:
    """One guard per ``retiredRevisions`` entry, in config order."""
    return tuple(_guard(retired) for retired in config.retired_revisions)


def _guard(retired: RetiredRevision) -> RetirementGuard:
    reason = retired.allow_in_use.reason if retired.allow_in_use is not None else None
    return RetirementGuard(retired.name, retired.release_name, reason)


def _ns_suffix(name: str, namespace: str) -> str:
    """Istio's cluster-scoped webhook names carry the namespace when it is not istio-system."""
    return name if namespace == "istio-system" else f"{name}-{namespace}"


def _selector(revisions: Sequence[str]) -> str:
    return f"istio.io/rev in ({','.join(revisions)})"


def health_checks(
    config: MeshConfig,
    *,
    istiods: Mapping[str, HelmReleaseItem],
    cni: HelmReleaseItem | None,
    ztunnel: HelmReleaseItem | None,
    gateways: Sequence[HelmReleaseItem],
    tag_addresses: Sequence[str],
) -> tuple[HealthCheck, ...]:
    """The checks that apply to what ``config`` installs, none when they are off.

    A remote cluster (multicluster role remote) runs no istiod and no
    validation webhook of its own, so neither is checked there.
    """
    if not config.health_checks.enabled:
        return ()
    namespace = config.istio_namespace
    remote = config.multicluster is not None and config.multicluster.is_remote
    planes = control_planes(config)
    revisions = [plane.revision for plane in planes]
    istiod_addresses = tuple(release.address for release in istiods.values())
    checks: list[HealthCheck] = []
    if not remote:
        for plane in planes:
            floor, _ = replica_floor(plane.settings.replicas, plane.settings.autoscaling)
            checks.append(HealthCheck(
                name=f"{plane.release_name}-ready",
                kind="istiod-ready",
                query=ResourceQuery("apps/v1", "Deployment", namespace,
                                    field_selector=f"metadata.name={plane.release_name}"),
                subject=f"Deployment {namespace}/{plane.release_name}",
                object_name=plane.release_name,
                after=(istiods[plane.revision].address,),
                ready_replicas=floor,
            ))
    injectors = [_ns_suffix("istio-sidecar-injector" + ("" if r == DEFAULT_REVISION else f"-{r}"), namespace)
                 for r in revisions]
    injectors += [tag_webhook_name(tag, namespace) for tag in managed_tags(config)]
    checks.append(HealthCheck(
        name="sidecar-injector-webhooks",
        kind="injector-webhooks",
        query=ResourceQuery("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration",
                            label_selector=f"app=sidecar-injector,{_selector(revisions)}"),
        subject="MutatingWebhookConfigurations labelled app=sidecar-injector",
        after=(*istiod_addresses, *tag_addresses),
        expected_names=tuple(sorted(injectors)),
    ))
    if not remote:
        validators = [f"istio-validator{'' if r == DEFAULT_REVISION else f'-{r}'}-{namespace}" for r in revisions]
        if default_revision(config) is not None:
            validators.append("istiod-default-validator")
        checks.append(HealthCheck(
            name="validation-webhooks",
            kind="validation-webhooks",
            query=ResourceQuery("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration",
                                label_selector=f"app=istiod,{_selector(revisions)}"),
            subject="ValidatingWebhookConfigurations labelled app=istiod",
            after=istiod_addresses,
            expected_names=tuple(sorted(validators)),
        ))
    for release, name in ((cni, "istio-cni-node"), (ztunnel, "ztunnel")):
        if release is None:
            continue
        checks.append(HealthCheck(
            name=f"{release.name}-ready",
            kind="daemonset-ready",
            query=ResourceQuery("apps/v1", "DaemonSet", release.namespace, field_selector=f"metadata.name={name}"),
            subject=f"DaemonSet {release.namespace}/{name}",
            object_name=name,
            after=(release.address,),
        ))
    by_name = {gateway.name: gateway for gateway in config.gateways}
    for release in gateways:
        if by_name[release.name].service_type != "LoadBalancer":
            continue
        checks.append(HealthCheck(
            name=f"gateway-{release.name}-address",
            kind="gateway-address",
            query=ResourceQuery("v1", "Service", release.namespace, field_selector=f"metadata.name={release.name}"),
            subject=f"Service {release.namespace}/{release.name}",
            object_name=release.name,
            after=(release.address,),
        ))
    if _has_proxies(config):
        checks.append(HealthCheck(
            name="data-plane-skew",
            kind="data-plane-skew",
            query=ResourceQuery("v1", "Pod", label_selector=_selector(revisions)),
            subject="pods injected by this mesh's revisions",
            after=istiod_addresses,
            revision_minors={plane.revision: plane.minor[1] for plane in planes},
        ))
    return tuple(checks)


def _has_proxies(config: MeshConfig) -> bool:
    """Envoy proxies run in sidecar mode, in chart gateways and in waypoints;
    an ambient mesh without either has none to compare."""
    if config.istio.profile != "ambient":
        return True
    return any(g.api == "chart" for g in config.gateways) or installs_gateway_api_crds(config)

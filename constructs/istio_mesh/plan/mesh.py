"""What the mesh stack creates, in what order: a pure function of the config.

Sidecar mode: base -> (cni) -> istiod revisions -> revision tags -> gateways.
Ambient: base -> istiod -> cni -> ztunnel, as Istio's ambient install
documents. Beside them: a plug-in CA's ``cacerts`` secret (after base,
before istiod), a multicluster cluster's network label and remote secrets.
Everything here is a built-in kind or a Helm release, so it plans on a
fresh cluster; Istio custom resources are in :mod:`istio_mesh.plan.policies`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from istio_mesh.config.gateway_api import GATEWAY_API_VERSION, installs_gateway_api_crds
from istio_mesh.config.control_planes import DEFAULT_REVISION, ControlPlane, control_planes, managed_tags, resolve
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.gateways import GatewaySettings
from istio_mesh.config.multicluster import CONTROL_PLANE_CLUSTERS_ANNOTATION, NETWORK_LABEL
from istio_mesh.plan.items import (
    Component,
    HelmReleaseItem,
    Item,
    KubernetesItem,
    ManifestItem,
    NamespaceMetadataItem,
    SecretItem,
)
from istio_mesh.plan.day_two import HealthCheck, RetirementGuard, health_checks, retirement_guards
from istio_mesh.plan.ownership import FIELD_MANAGER
from istio_mesh.plan.secrets import plugin_ca_secret, remote_secrets
from istio_mesh.manifests.observability import kiali_values
from istio_mesh.manifests.revision_tags import tag_service, tag_webhook
from istio_mesh.values import base_values, cni_values, gateway_values, istiod_values, ztunnel_values


@dataclass(frozen=True)
class RevisionTagItems:
    """A revision tag's two objects: its injection webhook and its Service."""

    tag: str
    revision: str
    webhook: ManifestItem
    service: ManifestItem


@dataclass(frozen=True)
class MeshPlan:
    """The mesh stack's objects in creation order, plus lookups by role."""

    items: tuple[Item, ...]
    base: HelmReleaseItem
    cni: HelmReleaseItem | None
    istiods: Mapping[str, HelmReleaseItem]
    """Revision -> istiod release, in config order."""
    ztunnel: HelmReleaseItem | None
    tags: Mapping[str, RevisionTagItems]
    gateways: tuple[HelmReleaseItem, ...]
    """The gateway chart's releases (gateways with api: chart)."""
    ca_secret: SecretItem | None
    network: tuple[NamespaceMetadataItem, ...]
    remote_secrets: tuple[SecretItem, ...]
    default_revision: str | None
    """The revision serving the default (``None`` when nothing does)."""
    gateway_api_crds: HelmReleaseItem | None = None
    """The Gateway API CRDs, when something uses them (``gatewayApi.crds``)."""
    health_checks: tuple[HealthCheck, ...] = ()
    """Terraform ``check`` blocks on the live mesh (``healthChecks``)."""
    retirements: tuple[RetirementGuard, ...] = ()
    """Revisions this apply removes (``retiredRevisions``)."""
    kiali: HelmReleaseItem | None = None
    """Kiali (``observability.kiali``), after the default revision's istiod."""

    @property
    def releases(self) -> tuple[HelmReleaseItem, ...]:
        """Every Helm release, in creation order."""
        return tuple(item for item in self.items if isinstance(item, HelmReleaseItem))

    @property
    def kubernetes_items(self) -> tuple[KubernetesItem, ...]:
        """What needs the Kubernetes provider besides the releases."""
        return tuple(item for item in self.items if not isinstance(item, HelmReleaseItem))

    @property
    def needs_kubernetes_provider(self) -> bool:
        return bool(self.kubernetes_items)

    @property
    def reads_cluster(self) -> bool:
        """Health checks and retirement guards read the cluster through the
        Kubernetes provider's data sources."""
        return bool(self.health_checks) or bool(self.retirements)

    @property
    def needs_write_only_attributes(self) -> bool:
        """Ephemeral variables and write-only attributes need Terraform >= 1.11."""
        return self.ca_secret is not None or bool(self.remote_secrets)

    @property
    def default_istiod(self) -> HelmReleaseItem:
        """The default revision's istiod, or the first one when none is default."""
        if self.default_revision is not None:
            return self.istiods[self.default_revision]
        return next(iter(self.istiods.values()))


def _release(
    config: MeshConfig,
    component: Component,
    *,
    name: str,
    namespace: str,
    values: Mapping[str, Any],
    after: Sequence[Item],
    version: str | None = None,
    wait: bool = True,
    prevent_destroy: bool = False,
    revision: str | None = None,
) -> HelmReleaseItem:
    """A release of one of Istio's charts with the settings every release
    shares: wait, bounded timeout, atomic, bounded history. ``wait=False`` is
    only for a gateway whose LoadBalancer address arrives late (Helm 3 waits
    for it), and an unwaited release is not atomic either."""
    helm = config.helm
    return HelmReleaseItem(
        name=name,
        component=component,
        chart=component,
        repository=config.istio.chart_repository,
        version=version or config.istio.version,
        namespace=namespace,
        values=values,
        wait=wait,
        timeout_seconds=helm.timeout_seconds,
        atomic=helm.atomic and wait,
        max_history=helm.max_history,
        prevent_destroy=prevent_destroy,
        after=tuple(item.address for item in after),
        revision=revision,
    )


GATEWAY_API_CRDS_RELEASE = "gateway-api-crds"


def _gateway_api_crds(config: MeshConfig, base: HelmReleaseItem) -> HelmReleaseItem:
    """The Gateway API CRDs, from the chart this package ships: after base,
    before istiod, as Istio's ambient Helm guide installs them, so istiod's
    Gateway controller starts with the kinds present and the policies stack
    never plans a Gateway against a cluster without them. The release
    namespace only holds Helm's record; the CRDs are cluster-scoped and kept
    on uninstall (see docs/gateway-api.md)."""
    helm = config.helm
    return HelmReleaseItem(
        name=GATEWAY_API_CRDS_RELEASE,
        component="gateway-api-crds",
        chart="gateway-api-crds",
        repository="",
        version=GATEWAY_API_VERSION.removeprefix("v"),
        namespace=config.istio_namespace,
        values={"channel": config.gateway_api.channel},
        wait=True,
        timeout_seconds=helm.timeout_seconds,
        atomic=helm.atomic,
        max_history=helm.max_history,
        prevent_destroy=config.protection.prevent_destroy,
        after=(base.address,),
        packaged=True,
    )


def _istiod(config: MeshConfig, plane: ControlPlane, after: Sequence[Item]) -> HelmReleaseItem:
    return _release(
        config,
        "istiod",
        name=plane.release_name,
        namespace=config.istio_namespace,
        values=istiod_values(config, plane),
        after=after,
        version=plane.version,
        revision=plane.revision,
    )


def _network(config: MeshConfig, base: HelmReleaseItem) -> list[NamespaceMetadataItem]:
    """The root namespace's network label (istiod reads it at start-up) and, on
    a remote, the annotation naming its primary (which only takes charge of a
    remote whose namespace names it): after base creates the namespace,
    before istiod starts."""
    mc = config.multicluster
    if mc is None:
        return []
    items = [
        NamespaceMetadataItem(
            name="root_namespace_network",
            kind="labels",
            namespace=config.istio_namespace,
            entries={NETWORK_LABEL: mc.network},
            field_manager=FIELD_MANAGER,
            after=(base.address,),
        )
    ]
    if mc.is_remote and mc.primary_cluster is not None:
        items.append(
            NamespaceMetadataItem(
                name="root_namespace_control_plane",
                kind="annotations",
                namespace=config.istio_namespace,
                entries={CONTROL_PLANE_CLUSTERS_ANNOTATION: mc.primary_cluster},
                field_manager=FIELD_MANAGER,
                after=(base.address,),
            )
        )
    return items


def _tag(config: MeshConfig, tag: str, istiod: HelmReleaseItem, plane: ControlPlane) -> RevisionTagItems:
    """A revision tag owned by Terraform: moving it to another revision keeps
    both addresses, so it is an in-place server-side apply (see
    :class:`istio_mesh.components.revision_tag.RevisionTag` for why not the
    chart's ``revisionTags``)."""
    namespace = config.istio_namespace
    after = (istiod.address,)
    return RevisionTagItems(
        tag=tag,
        revision=plane.revision,
        webhook=ManifestItem(
            f"revision_tag_{tag}_webhook", tag_webhook(tag, plane, namespace), after, FIELD_MANAGER
        ),
        service=ManifestItem(
            f"revision_tag_{tag}_service", tag_service(tag, plane, namespace), after, FIELD_MANAGER
        ),
    )


def _gateway(
    config: MeshConfig,
    gateway: GatewaySettings,
    istiods: Mapping[str, HelmReleaseItem],
    tags: Mapping[str, RevisionTagItems],
) -> HelmReleaseItem:
    """A gateway after the istiod that injects it (and the tag webhook it goes
    through), at that revision's version: a gateway pod created before its
    injector answers keeps ``image: auto`` and never starts."""
    plane = resolve(config, gateway.revision)
    if plane is None:  # the config validator refuses this; guard direct library use
        raise ValueError(f"gateway {gateway.name!r}: no revision serves it")
    tag = gateway.revision if gateway.revision in tags else None
    if gateway.revision is None and DEFAULT_REVISION in tags:
        tag = DEFAULT_REVISION
    upstream: list[Item] = [istiods[plane.revision]]
    if tag is not None:
        upstream.append(tags[tag].webhook)
    return _release(
        config,
        "gateway",
        name=gateway.name,
        namespace=gateway.resolved_namespace,
        values=gateway_values(config, gateway),
        after=upstream,
        version=plane.version,
        wait=gateway.service.wait_for_address or gateway.service_type != "LoadBalancer",
    )


KIALI_RELEASE = "kiali"


def _kiali(config: MeshConfig, istiod: HelmReleaseItem) -> HelmReleaseItem | None:
    """Kiali's own chart (kiali-server), after ``istiod``: Kiali reads istiod's
    debug endpoints from its first start. In the root namespace, the one
    istiod authorizes for every debug endpoint since Istio 1.29. Waited for and
    atomic like every release."""
    settings = config.observability
    if settings is None or not settings.kiali.enabled:
        return None
    helm = config.helm
    return HelmReleaseItem(
        name=KIALI_RELEASE,
        component="kiali",
        chart="kiali-server",
        repository=settings.kiali.repository,
        version=settings.kiali.resolved_version(istiod.version),
        namespace=config.istio_namespace,
        values=kiali_values(config),
        wait=True,
        timeout_seconds=helm.timeout_seconds,
        atomic=helm.atomic,
        max_history=helm.max_history,
        after=(istiod.address,),
    )


def mesh_plan(config: MeshConfig) -> MeshPlan:
    """Every object of the mesh stack for ``config``, in creation order."""
    ambient = config.istio.profile == "ambient"
    items: list[Item] = []
    base = _release(
        config,
        "base",
        name="istio-base",
        namespace=config.istio_namespace,
        values=base_values(config),
        after=(),
        prevent_destroy=config.protection.prevent_destroy,
    )
    items.append(base)
    cni: HelmReleaseItem | None = None
    if config.cni.enabled and not ambient:
        # Sidecar mode: injected pods rely on the CNI agent for redirection, so
        # it runs before istiod's injector answers.
        cni = _release(
            config, "cni", name="istio-cni", namespace=config.cni.namespace,
            values=cni_values(config), after=(base,),
        )
        items.append(cni)
    ca_secret = plugin_ca_secret(config, after=(base.address,)) if config.ca.mode == "plugin" else None
    items += [ca_secret] if ca_secret is not None else []
    network = _network(config, base)
    secrets = remote_secrets(config, after=(base.address,))
    items += [*network, *secrets]
    crds = _gateway_api_crds(config, base) if installs_gateway_api_crds(config) else None
    items += [crds] if crds is not None else []
    planes = control_planes(config)
    upstream: list[Item] = [
        base, *([cni] if cni else []), *([ca_secret] if ca_secret else []), *network,
        *([crds] if crds else []),
    ]
    istiods = {plane.revision: _istiod(config, plane, upstream) for plane in planes}
    items += istiods.values()
    chosen = resolve(config, None)
    ztunnel: HelmReleaseItem | None = None
    if ambient:
        cni = _release(
            config, "cni", name="istio-cni", namespace=config.cni.namespace,
            values=cni_values(config), after=(base, *istiods.values()),
        )
        if chosen is None:  # the config validator refuses this; guard direct library use
            raise ValueError("ambient mode needs a default revision for ztunnel")
        ztunnel = _release(
            config, "ztunnel", name="ztunnel", namespace=config.istio_namespace,
            values=ztunnel_values(config, chosen), after=(istiods[chosen.revision], cni),
        )
        items += [cni, ztunnel]
    tags = {
        tag: _tag(config, tag, istiods[plane.revision], plane)
        for tag, plane in managed_tags(config).items()
    }
    for tag_items in tags.values():
        items += [tag_items.webhook, tag_items.service]
    gateways = tuple(
        _gateway(config, gateway, istiods, tags) for gateway in config.gateways if gateway.api == "chart"
    )
    items += gateways
    default_istiod = istiods[chosen.revision] if chosen is not None else next(iter(istiods.values()))
    kiali = _kiali(config, default_istiod)
    items += [kiali] if kiali is not None else []
    return MeshPlan(
        items=tuple(items),
        base=base,
        cni=cni,
        istiods=istiods,
        ztunnel=ztunnel,
        tags=tags,
        gateways=gateways,
        ca_secret=ca_secret,
        network=tuple(network),
        remote_secrets=tuple(secrets),
        default_revision=chosen.revision if chosen is not None else None,
        gateway_api_crds=crds,
        health_checks=health_checks(
            config, istiods=istiods, cni=cni, ztunnel=ztunnel, gateways=gateways,
            tag_addresses=[item.webhook.address for item in tags.values()],
        ),
        retirements=retirement_guards(config),
        kiali=kiali,
    )

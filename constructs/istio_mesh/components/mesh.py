"""The whole mesh as one construct, for any stack (ours or a consumer's)."""

from __future__ import annotations

from typing import Any, Self, TypeVar

from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
from istio_mesh.components.errors import ConstructError
from istio_mesh.components.gateway import IstioGateway
from istio_mesh.components.gateway_api_crds import GatewayApiCrds
from istio_mesh.components.istiod import Istiod
from istio_mesh.components.multicluster import ClusterNetwork, RemoteSecrets
from istio_mesh.components.observability import KialiServer
from istio_mesh.components.plugin_ca import PluginCaCerts
from istio_mesh.components.release import IstioChart
from istio_mesh.components.revision_tag import RevisionTag
from istio_mesh.components.upstream import Rendered
from istio_mesh.components.ztunnel import Ztunnel
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan import ClusterPlan, cluster_plan
from istio_mesh.plan.items import HelmReleaseItem
from istio_mesh.runtime.terraform import Construct, HelmRelease, TerraformProvider, TerraformStack

_Chart = TypeVar("_Chart", bound=IstioChart)


class IstioMesh(Construct):
    """base -> (cni) -> (Gateway API CRDs) -> istiod revisions -> revision tags -> gateways
    (-> Kiali, after the default istiod, when ``observability.kiali`` is on).

    Ambient: base -> istiod -> cni -> ztunnel, as Istio's ambient install
    documents. Gateways install in parallel.

    Renders the mesh part of a cluster's plan (:func:`istio_mesh.plan.cluster_plan`):
    Helm releases, plus the revision tags' webhooks and Services, a plug-in CA's
    ``cacerts`` secret and, in a multicluster mesh, the root namespace's
    network label and the remote secrets (built-in kinds, so plannable on a
    fresh cluster). Each object waits for the objects its plan item names.

    The stack it lives in supplies the Helm provider and, when the plan has
    Kubernetes objects (``plan.mesh.needs_kubernetes_provider``), a
    Kubernetes provider, so a platform team can put the mesh next to its own
    resources. The config's ``connection`` and ``backend`` are not part of
    the plan: they belong to whoever builds the stack (see
    :class:`istio_mesh.stacks.MeshStack`).

    Istio custom resources do not belong in the same stack on a fresh
    cluster: ``kubernetes_manifest`` needs the CRDs at plan time. Put
    :class:`IstioPolicies`, given the same plan, in a stack that depends on
    this one.

    Keyword arguments:
        plan: the cluster's plan, ``cluster_plan(config)`` (required): the one
            source of every resource and of :attr:`outputs`. Holding a config
            instead, use :meth:`from_config`.
        provider: an aliased Helm provider. Default: the stack's default one.
        kubernetes_provider: an aliased Kubernetes provider, for revision
            tags, a plug-in CA's secret and multicluster objects. Default: the
            stack's default one (which must exist when the plan has such
            objects).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        plan: ClusterPlan,
        provider: TerraformProvider | None = None,
        kubernetes_provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.plan = plan
        if plan.mesh.needs_write_only_attributes:
            # Ephemeral variables and write-only attributes: older Terraform
            # would fail on them with a less helpful message.
            TerraformStack.of(self).add_override("terraform.required_version", ">= 1.11")
        rendered = Rendered(self)
        helm, kubernetes = provider, kubernetes_provider
        self._charts: list[IstioChart] = []

        def chart(kind: type[_Chart], construct_id: str, item: HelmReleaseItem) -> _Chart:
            rendered_chart = kind(
                self, construct_id, release=item, after=rendered.upstream(item.after), provider=helm
            )
            rendered.add(item.address, rendered_chart.resource)
            self._charts.append(rendered_chart)
            return rendered_chart

        plan_ = plan.mesh
        self.base: IstioBase = chart(IstioBase, "base", plan_.base)
        ambient = plan_.ztunnel is not None
        self.cni: IstioCni | None = None
        if plan_.cni is not None and not ambient:
            self.cni = chart(IstioCni, "cni", plan_.cni)
        self.ca_certs: PluginCaCerts | None = None
        if plan_.ca_secret is not None:
            item = plan_.ca_secret
            self.ca_certs = PluginCaCerts(
                self, "plugin-ca", secret=item, after=rendered.upstream(item.after), provider=kubernetes
            )
            rendered.add(item.address, self.ca_certs.resource)
        self.network: ClusterNetwork | None = None
        self.remote_secrets: RemoteSecrets | None = None
        if plan_.network:
            self.network = ClusterNetwork(
                self, "network", items=plan_.network, rendered=rendered, provider=kubernetes
            )
        if plan_.remote_secrets:
            self.remote_secrets = RemoteSecrets(
                self, "remote-secrets", items=plan_.remote_secrets, rendered=rendered, provider=kubernetes
            )
        self.gateway_api_crds: GatewayApiCrds | None = None
        if plan_.gateway_api_crds is not None:
            self.gateway_api_crds = chart(GatewayApiCrds, "gateway-api-crds", plan_.gateway_api_crds)
        self.istiods: dict[str, Istiod] = {
            revision: chart(Istiod, item.name, item) for revision, item in plan_.istiods.items()
        }
        self.ztunnel: Ztunnel | None = None
        if ambient and plan_.cni is not None and plan_.ztunnel is not None:
            self.cni = chart(IstioCni, "cni", plan_.cni)
            self.ztunnel = chart(Ztunnel, "ztunnel", plan_.ztunnel)
        self.tags: dict[str, RevisionTag] = {}
        for tag, items in plan_.tags.items():
            self.tags[tag] = RevisionTag(
                self, f"revision-tag-{tag}", tag=items,
                after=rendered.upstream(items.webhook.after), provider=kubernetes,
            )
            rendered.add(items.webhook.address, self.tags[tag].webhook)
            rendered.add(items.service.address, self.tags[tag].service)
        self.gateways: list[IstioGateway] = [
            chart(IstioGateway, f"gateway-{item.name}", item) for item in plan_.gateways
        ]
        self.kiali: KialiServer | None = None
        if plan_.kiali is not None:
            self.kiali = chart(KialiServer, "kiali", plan_.kiali)

    @classmethod
    def from_config(
        cls,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        provider: TerraformProvider | None = None,
        kubernetes_provider: TerraformProvider | None = None,
    ) -> Self:
        """The mesh of ``config``: ``IstioMesh(scope, construct_id,
        plan=cluster_plan(config), ...)``. Building the plan once and passing
        it to both :class:`IstioMesh` and :class:`IstioPolicies` does the
        same work once."""
        return cls(
            scope, construct_id, plan=cluster_plan(config),
            provider=provider, kubernetes_provider=kubernetes_provider,
        )

    @property
    def default_istiod(self) -> Istiod:
        """The istiod serving the default revision (the config validator makes
        sure one exists wherever something relies on it)."""
        if self.plan.mesh.default_revision is None:
            raise ConstructError("the config has no default revision", self)
        return self.istiods[self.plan.mesh.default_revision]

    @property
    def istiod(self) -> Istiod:
        """The default revision's istiod, or the only one."""
        return self.istiods[self.plan.mesh.default_istiod.revision or "default"]

    @property
    def releases(self) -> list[HelmRelease]:
        """Every Helm release of the mesh, in plan order."""
        return [chart.release for chart in self._charts]

    @property
    def outputs(self) -> dict[str, Any]:
        """What the mesh stack publishes as outputs, for use in the same app
        without remote state: ``ingress_gateways``, ``istiod_revisions``,
        ``mesh_id``, ``root_namespace`` (see :mod:`istio_mesh.plan.outputs`),
        from the plan's ``outputs``."""
        return {output.name: output.value for output in self.plan.outputs}

"""The whole mesh as one construct, for any stack (ours or a consumer's)."""

from __future__ import annotations

from typing import Any

from istio_mesh.components.base import IstioBase
from istio_mesh.components.cni import IstioCni
from istio_mesh.components.gateway import IstioGateway
from istio_mesh.components.istiod import Istiod
from istio_mesh.components.multicluster import ClusterNetwork, RemoteSecrets
from istio_mesh.components.plugin_ca import PluginCaCerts
from istio_mesh.components.revision_tag import RevisionTag
from istio_mesh.components.ztunnel import Ztunnel
from istio_mesh.config.control_planes import (
    DEFAULT_REVISION,
    control_planes,
    managed_tags,
    resolve,
)
from istio_mesh.config.models import GatewaySettings, MeshConfig
from istio_mesh.outputs import mesh_outputs
from istio_mesh.terraform import (
    Construct,
    HelmRelease,
    TerraformProvider,
    TerraformResource,
    TerraformStack,
)


class IstioMesh(Construct):
    """base -> (cni) -> istiod revisions -> revision tags -> gateways.

    Ambient: base -> istiod -> cni -> ztunnel, as Istio's ambient install
    documents. Gateways install in parallel.

    Holds Helm releases, plus the revision tags' webhooks and Services, a
    plug-in CA's ``cacerts`` secret and, in a multicluster mesh, the root
    namespace's network label and the remote secrets (built-in kinds, so
    plannable on a fresh cluster). The stack it lives in
    supplies the Helm provider (and a Kubernetes provider when the config has
    revision tags, see :func:`needs_kubernetes_provider`), so a platform team
    can put the mesh next to its own resources. ``provider`` and
    ``kubernetes_provider`` pick aliased providers; without them, the stack's
    default ones are used. The config's ``connection`` and ``backend`` are
    not read here: they belong to whoever builds the stack (see
    :class:`istio_mesh.stacks.MeshStack`).

    Istio custom resources do not belong in the same stack on a fresh
    cluster: ``kubernetes_manifest`` needs the CRDs at plan time. Put
    :class:`IstioPolicies` in a stack that depends on this one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MeshConfig,
        provider: TerraformProvider | None = None,
        kubernetes_provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        ambient = config.istio.profile == "ambient"
        self.base = IstioBase(self, "base", config=config)
        self.cni: IstioCni | None = None
        if config.cni.enabled and not ambient:
            self.cni = IstioCni(self, "cni", config=config, base=self.base)
        self.ca_certs: PluginCaCerts | None = None
        if config.ca.mode == "plugin":
            self.ca_certs = PluginCaCerts(self, "plugin-ca", config=config, base=self.base)
            # Ephemeral variables and write-only attributes: older Terraform
            # would fail on them with a less helpful message.
            TerraformStack.of(self).add_override("terraform.required_version", ">= 1.11")
        self.network: ClusterNetwork | None = None
        self.remote_secrets: RemoteSecrets | None = None
        if config.multicluster is not None:
            self.network = ClusterNetwork(self, "network", config=config, base=self.base)
            self.remote_secrets = RemoteSecrets(
                self, "remote-secrets", config=config, base=self.base
            )
            if self.remote_secrets.secrets:
                TerraformStack.of(self).add_override("terraform.required_version", ">= 1.11")
        self.istiods = {
            plane.revision: Istiod(
                self,
                plane.release_name,
                config=config,
                plane=plane,
                base=self.base,
                cni=self.cni,
                ca_certs=self.ca_certs,
                network=self.network,
            )
            for plane in control_planes(config)
        }
        self.ztunnel: Ztunnel | None = None
        if ambient:
            self.cni = IstioCni(
                self, "cni", config=config, base=self.base, after=list(self.istiods.values())
            )
            self.ztunnel = Ztunnel(
                self, "ztunnel", config=config, istiod=self.default_istiod, cni=self.cni
            )
        self.tags = {
            tag: RevisionTag(self, f"revision-tag-{tag}", tag=tag, istiod=self.istiods[plane.revision])
            for tag, plane in managed_tags(config).items()
        }
        self.gateways = [self._gateway(gateway) for gateway in config.gateways]
        for resource in self.node.find_all():
            if isinstance(resource, HelmRelease):
                if provider is not None:
                    resource.provider = provider
            elif kubernetes_provider is not None and isinstance(resource, TerraformResource):
                resource.provider = kubernetes_provider

    def _gateway(self, gateway: GatewaySettings) -> IstioGateway:
        plane = resolve(self.config, gateway.revision)
        if plane is None:  # the config validator refuses this; guard direct library use
            raise ValueError(f"gateway {gateway.name!r}: no revision serves it")
        tag = gateway.revision if gateway.revision in self.tags else None
        if gateway.revision is None and DEFAULT_REVISION in self.tags:
            tag = DEFAULT_REVISION
        return IstioGateway(
            self,
            f"gateway-{gateway.name}",
            config=self.config,
            gateway=gateway,
            istiod=self.istiods[plane.revision],
            tag=self.tags[tag] if tag is not None else None,
        )

    @property
    def default_istiod(self) -> Istiod:
        """The istiod serving the default revision (the config validator makes
        sure one exists wherever something relies on it)."""
        plane = resolve(self.config, None)
        if plane is None:
            raise ValueError("the config has no default revision")
        return self.istiods[plane.revision]

    @property
    def istiod(self) -> Istiod:
        """The default revision's istiod, or the only one."""
        plane = resolve(self.config, None)
        if plane is None:
            return next(iter(self.istiods.values()))
        return self.istiods[plane.revision]

    @property
    def releases(self) -> list[HelmRelease]:
        """Every Helm release of the mesh, in construct order."""
        return [c for c in self.node.find_all() if isinstance(c, HelmRelease)]

    @property
    def outputs(self) -> dict[str, Any]:
        """What the mesh stack publishes as outputs, for use in the same app
        without remote state: ``ingress_gateways``, ``istiod_revisions``,
        ``mesh_id``, ``root_namespace`` (see :mod:`istio_mesh.outputs`)."""
        return {output.name: output.value for output in mesh_outputs(self.config)}


def needs_kubernetes_provider(config: MeshConfig) -> bool:
    """Whether :class:`IstioMesh` for ``config`` holds Kubernetes resources
    (revision tags, the plug-in CA's secret, a multicluster cluster's network
    label and remote secrets) besides Helm releases."""
    return (
        bool(managed_tags(config))
        or config.ca.mode == "plugin"
        or config.multicluster is not None
    )

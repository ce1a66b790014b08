"""``<name>-mesh``: Istio's Helm releases, in dependency order."""

from __future__ import annotations

from istio_mesh.components import (
    IstioBase,
    IstioCni,
    IstioGateway,
    Istiod,
    RevisionTag,
    Ztunnel,
)
from istio_mesh.config.control_planes import DEFAULT_REVISION, control_planes, managed_tags, resolve
from istio_mesh.config.models import MeshConfig
from istio_mesh.stacks.connection import ClusterAccess, cluster_access
from istio_mesh.stacks.state import local_state
from istio_mesh.terraform import (
    Construct,
    HelmProvider,
    HelmProviderKubernetes,
    KubernetesProvider,
    TerraformStack,
)


class MeshStack(TerraformStack):
    """base -> (cni) -> istiod revisions -> revision tags -> gateways.

    Ambient: base -> istiod -> cni -> ztunnel, as Istio's ambient install
    documents. Gateways install in parallel. Istio custom resources go to the
    policies stack, which is planned after this one has been applied; the
    revision tags here are built-in kinds (webhooks, Services), so a
    kubernetes provider is added only when there are tags.
    """

    def __init__(self, scope: Construct, stack_id: str, *, config: MeshConfig) -> None:
        super().__init__(scope, stack_id)
        self.config = config
        local_state(self, stack_id)
        access = cluster_access(self, config.connection)
        HelmProvider(
            self,
            "helm",
            kubernetes=HelmProviderKubernetes(
                config_path=access.config_path,
                config_context=access.config_context,
                host=access.host,
                cluster_ca_certificate=access.cluster_ca_certificate,
                token=access.token,
            ),
        )
        ambient = config.istio.profile == "ambient"
        self.base = IstioBase(self, "base", config=config)
        self.cni: IstioCni | None = None
        if config.cni.enabled and not ambient:
            self.cni = IstioCni(self, "cni", config=config, base=self.base)
        self.istiods = {
            plane.revision: Istiod(
                self, plane.release_name, config=config, plane=plane, base=self.base, cni=self.cni
            )
            for plane in control_planes(config)
        }
        self.ztunnel: Ztunnel | None = None
        if ambient:
            self.cni = IstioCni(
                self, "cni", config=config, base=self.base, after=list(self.istiods.values())
            )
            self.ztunnel = Ztunnel(
                self, "ztunnel", config=config, istiod=self.default_istiod(), cni=self.cni
            )
        tags = managed_tags(config)
        if tags:
            self._kubernetes_provider(access)
        self.tags = {
            tag: RevisionTag(self, f"revision-tag-{tag}", tag=tag, istiod=self.istiods[plane.revision])
            for tag, plane in tags.items()
        }
        self.gateways = []
        for gateway in config.gateways:
            plane = resolve(config, gateway.revision)
            if plane is None:  # the config validator refuses this; guard direct library use
                raise ValueError(f"gateway {gateway.name!r}: no revision serves it")
            via_tag = gateway.revision if gateway.revision in self.tags else None
            if gateway.revision is None and DEFAULT_REVISION in self.tags:
                via_tag = DEFAULT_REVISION
            self.gateways.append(
                IstioGateway(
                    self,
                    f"gateway-{gateway.name}",
                    config=config,
                    gateway=gateway,
                    istiod=self.istiods[plane.revision],
                    tag=self.tags[via_tag] if via_tag is not None else None,
                )
            )

    def default_istiod(self) -> Istiod:
        """The istiod serving the default revision (validated to exist where needed)."""
        plane = resolve(self.config, None)
        if plane is None:
            raise ValueError("the config has no default revision")
        return self.istiods[plane.revision]

    def _kubernetes_provider(self, access: ClusterAccess) -> None:
        KubernetesProvider(
            self,
            "kubernetes",
            config_path=access.config_path,
            config_context=access.config_context,
            host=access.host,
            cluster_ca_certificate=access.cluster_ca_certificate,
            token=access.token,
        )

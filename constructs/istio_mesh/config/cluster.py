"""The cluster config: one YAML file per cluster (or one cluster of a fleet).

Each section's models and field rules live in the section's module; the rules
that tie several sections together run here, in :class:`MeshConfig`'s
validator, so each message can name every field involved.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator

from istio_mesh.config.backend import Backend, LocalBackend, check_remote_runs, require_backend_type
from istio_mesh.config.base import DnsLabel, MeshModel, refuse_repeats
from istio_mesh.config.compat import KubernetesVersion, check_kubernetes_versions
from istio_mesh.config.connection import Connection, KubeconfigConnection, kubeconfig_unless_told
from istio_mesh.config.day_two import HealthCheckSettings, RetiredRevision, check_retired_revisions
from istio_mesh.config.egress import EgressSettings, check_egress
from istio_mesh.config.extra_resources import ExtraResource, check_extra_resources
from istio_mesh.config.gateway_api import GatewayApiSettings, check_gateway_api
from istio_mesh.config.gateways import GatewaySettings, check_gateway_namespaces
from istio_mesh.config.gitops import GitopsSettings
from istio_mesh.config.istio import HelmSettings, IstioSettings
from istio_mesh.config.istiod import IstiodSettings, RevisionSettings
from istio_mesh.config.lint_settings import Environment, LintSettings
from istio_mesh.config.mesh_settings import MeshSettings
from istio_mesh.config.multicluster import MulticlusterSettings, check_multicluster
from istio_mesh.config.namespaces import MtlsSettings, NamespaceSettings, check_namespaces
from istio_mesh.config.node_agents import CniSettings, ZtunnelSettings
from istio_mesh.config.observability import ObservabilitySettings, check_observability
from istio_mesh.config.protection import ProtectionSettings
from istio_mesh.config.revision_rules import check_ambient, check_revisions
from istio_mesh.config.security import AuthorizationSettings, CertificateAuthority, check_authorization
from istio_mesh.config.sidecars import SidecarScopeSettings, check_sidecar_scope
from istio_mesh.config.trust_domain import check_principal_trust_domains


class MeshConfig(MeshModel):
    """One cluster's mesh: what to install, how, and which policies to apply."""

    istio: IstioSettings = Field(default_factory=IstioSettings, description="Istio release.")
    kubernetes_version: KubernetesVersion | None = Field(
        default=None,
        description=(
            "The cluster's Kubernetes version, e.g. '1.33' (quote it). Set: an Istio version "
            "that istio.io does not list as supporting it is refused. Unset: not checked."
        ),
    )
    istio_namespace: DnsLabel = Field(
        default="istio-system",
        description="Namespace of istiod and the mesh root namespace for mesh-wide policy.",
    )
    connection: Annotated[Connection, BeforeValidator(kubeconfig_unless_told)] = Field(
        default_factory=KubeconfigConnection,
        discriminator="mode",
        description="How Terraform reaches the cluster (kubeconfig, Terraform variables, or exec).",
    )
    backend: Annotated[Backend, BeforeValidator(require_backend_type)] = Field(
        default_factory=LocalBackend,
        discriminator="type",
        description="Where each stack keeps its state (local, cloud, s3, gcs, azurerm).",
    )
    helm: HelmSettings = Field(default_factory=HelmSettings, description="Release behaviour.")
    istiod: IstiodSettings = Field(
        default_factory=IstiodSettings,
        description="Control plane, when revisions is empty (one un-revisioned istiod).",
    )
    revisions: tuple[RevisionSettings, ...] = Field(
        default=(),
        description=(
            "istiod revisions installed side by side for canary upgrades, each with its own "
            "version and settings. Empty: one un-revisioned istiod configured by istiod."
        ),
    )
    revision_tags: dict[DnsLabel, DnsLabel] = Field(
        default_factory=dict,
        description=(
            "Revision tags, tag -> revision, e.g. prod-stable: 1-29-6. Owned by Terraform: "
            "moving a tag is a config change."
        ),
    )
    retired_revisions: tuple[RetiredRevision, ...] = Field(
        default=(),
        description=(
            "Revisions this apply removes from revisions: the plan refuses to destroy a retired "
            "revision's istiod while a namespace, pod or revision tag still uses it "
            "(docs/day-two.md). Remove the entry once the apply went through."
        ),
    )
    default_revision: DnsLabel | None = Field(
        default=None,
        description=(
            "Revision (or tag) that serves istio-injection=enabled namespaces, gateways "
            "without a revision and config validation (the base chart's defaultRevision). "
            "Unset: 'default' (the un-revisioned istiod) when it is installed."
        ),
    )
    mesh: MeshSettings = Field(default_factory=MeshSettings, description="Mesh-wide runtime settings.")
    cni: CniSettings = Field(default_factory=CniSettings, description="CNI node agent.")
    ztunnel: ZtunnelSettings = Field(
        default_factory=ZtunnelSettings, description="ztunnel node proxy (ambient mode)."
    )
    gateways: tuple[GatewaySettings, ...] = Field(
        default=(), description="Ingress and egress gateways. Empty: control plane only."
    )
    gateway_api: GatewayApiSettings = Field(
        default_factory=GatewayApiSettings,
        description="Kubernetes Gateway API CRDs (for waypoints and gateway-api gateways).",
    )
    mtls: MtlsSettings = Field(default_factory=MtlsSettings, description="Mutual TLS policy.")
    namespaces: tuple[NamespaceSettings, ...] = Field(
        default=(), description="Application namespaces onboarded to the mesh."
    )
    environment: Environment | None = Field(
        default=None,
        description="development, staging or production; production turns on the linter's production rules.",
    )
    ca: CertificateAuthority = Field(
        default_factory=CertificateAuthority, description="Who signs workload certificates."
    )
    authorization: AuthorizationSettings = Field(
        default_factory=AuthorizationSettings, description="Authorization policy."
    )
    egress: EgressSettings = Field(
        default_factory=EgressSettings, description="External services and egress routing."
    )
    sidecar_scope: SidecarScopeSettings = Field(
        default_factory=SidecarScopeSettings, description="Default Sidecar per onboarded namespace."
    )
    extra_resources: tuple[ExtraResource, ...] = Field(
        default=(), description="Istio resources applied as written in the policies stack."
    )
    lint: LintSettings = Field(
        default_factory=LintSettings, description="Linter waivers for this config."
    )
    protection: ProtectionSettings = Field(
        default_factory=ProtectionSettings, description="Guards against destroying the mesh."
    )
    health_checks: HealthCheckSettings = Field(
        default_factory=HealthCheckSettings,
        description="Terraform check blocks asserting the mesh's health after every plan and apply.",
    )
    multicluster: MulticlusterSettings | None = Field(
        default=None,
        description="This cluster's name, network and role in a multicluster mesh. Unset: a single-cluster mesh.",
    )
    observability: ObservabilitySettings | None = Field(
        default=None,
        description=(
            "Prometheus Operator monitors and alert rules, Grafana dashboards and Kiali, matched "
            "to the installed Istio. Unset: none (see docs/observability.md)."
        ),
    )
    gitops: GitopsSettings = Field(
        default_factory=GitopsSettings,
        description=(
            "Argo CD destination, project and repository for `istio-mesh export argocd`. "
            "Terraform ignores it."
        ),
    )

    @model_validator(mode="after")
    def _cross_component(self) -> MeshConfig:
        # In this order: a config breaking several rules hears of the first.
        check_remote_runs(self.backend, self.connection.mode, getattr(self.connection, "command", None))
        check_kubernetes_versions(self)
        refuse_repeats("gateways", [g.name for g in self.gateways])
        check_namespaces(self)
        check_gateway_namespaces(self)
        check_gateway_api(self)
        check_revisions(self)
        check_retired_revisions(self)
        check_ambient(self)
        check_egress(self)
        check_authorization(self)
        check_principal_trust_domains(self)
        check_sidecar_scope(self)
        check_extra_resources(self)
        check_multicluster(self)
        check_observability(self)
        return self


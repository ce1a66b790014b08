"""The cluster config: one YAML file per cluster, read into these models.

Field rules live on the fields; rules that tie several components together
live in :class:`MeshConfig`'s validators, so each message can name every field
involved.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from istio_mesh.config.backend import Backend, LocalBackend, check_remote_runs, require_backend_type
from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.revision_rules import check_ambient, check_revisions
from istio_mesh.config.compat import KubernetesVersion, check_kubernetes_support
from istio_mesh.config.protection import ProtectionSettings
from istio_mesh.config.base import DnsLabel, MeshModel, ResourceList, Resources
from istio_mesh.config.credentials import ExecConnection
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.egress import EgressSettings, check_egress
from istio_mesh.config.extra_resources import ExtraResource, check_extra_resources
from istio_mesh.config.lint import Environment, LintSettings
from istio_mesh.config.multicluster import MulticlusterSettings, check_multicluster
from istio_mesh.config.security import (
    AuthorizationSettings,
    CertificateAuthority,
    check_authorization,
)
from istio_mesh.config.sidecars import SidecarScopeSettings, check_sidecar_scope
from istio_mesh.versions import DEFAULT_ISTIO_VERSION, MIN_ISTIO_VERSION, parse_version

ISTIO_CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts"

# Namespaces that must never be onboarded to the mesh or get an mTLS override
# from here: injecting sidecars into the control plane's own pods breaks it.
RESERVED_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})

# Namespace labels that select a data plane; this stack owns them, so that
# istio-injection and istio.io/rev can never both be set on one namespace.
MANAGED_NAMESPACE_LABELS = frozenset({
    "istio-injection", "istio.io/rev", "istio.io/dataplane-mode", "istio.io/use-waypoint",
})

# The gateway chart's default container limits (gateway/values.yaml). Helm
# deep-merges our requests into them, so a request above them makes every
# gateway pod invalid unless limits are raised too.
GATEWAY_CHART_LIMITS = ResourceList(cpu="2000m", memory="1024Mi")
# The istiod chart's default sidecar limits (global.proxy.resources.limits).
PROXY_CHART_LIMITS = ResourceList(cpu="2000m", memory="1024Mi")


class MtlsMode(str, Enum):
    """PeerAuthentication modes Istio accepts (security.istio.io/v1)."""

    STRICT = "STRICT"
    PERMISSIVE = "PERMISSIVE"
    DISABLE = "DISABLE"


class OutboundTrafficPolicy(str, Enum):
    """meshConfig.outboundTrafficPolicy.mode."""

    ALLOW_ANY = "ALLOW_ANY"
    REGISTRY_ONLY = "REGISTRY_ONLY"


class Platform(str, Enum):
    """Istio platform profiles (files/profile-platform-*.yaml): CNI paths and the like."""

    NONE = ""
    GKE = "gke"
    K3D = "k3d"
    K3S = "k3s"
    MICROK8S = "microk8s"
    MINIKUBE = "minikube"
    OPENSHIFT = "openshift"


def supported_version(value: str) -> str:
    """A release version no older than the oldest chart layout we generate values for."""
    parsed = parse_version(value)
    if parsed < MIN_ISTIO_VERSION:
        minimum = ".".join(map(str, MIN_ISTIO_VERSION))
        raise ValueError(f"Istio {value} is not supported; use {minimum} or newer")
    return value


class IstioSettings(MeshModel):
    """Which Istio to install and where its charts and images come from."""

    version: str = Field(
        default=DEFAULT_ISTIO_VERSION,
        strict=True,
        description=(
            "Istio release installed by every chart (quote it in YAML: 1.30 is a number)."
        ),
    )
    chart_repository: str = Field(
        default=ISTIO_CHART_REPOSITORY,
        description="Helm repository holding base, istiod, cni and gateway; a private mirror or oci:// registry.",
    )
    hub: str | None = Field(
        default=None,
        description="Image registry for every Istio image, e.g. 'registry.example.com/istio'. Unset: the chart's (docker.io/istio).",
    )
    tag: str | None = Field(
        default=None,
        description="Image tag for every Istio image. Unset: the chart's own version.",
    )
    image_pull_secrets: tuple[DnsLabel, ...] = Field(
        default=(),
        description="Names of existing pull secrets, in each Istio namespace, for a private registry.",
    )
    platform: Platform = Field(
        default=Platform.NONE,
        description="Istio platform profile ('' for none, gke, k3d, k3s, microk8s, minikube, openshift).",
    )

    profile: Literal["default", "ambient"] = Field(
        default="default",
        description=(
            "Istio install profile: 'default' (sidecars) or 'ambient' (ztunnel per node, "
            "no sidecars needed; requires cni.enabled and ztunnel.enabled)."
        ),
    )

    @field_validator("version")
    @classmethod
    def _supported_version(cls, value: str) -> str:
        return supported_version(value)

    @field_validator("chart_repository")
    @classmethod
    def _repository_url(cls, value: str) -> str:
        if not re.match(r"^(https?|oci)://[^\s/]+", value):
            raise ValueError("must be an https://, http:// or oci:// URL")
        return value.rstrip("/")


class KubeconfigConnection(MeshModel):
    """Reach the cluster with a kubeconfig file on the machine that runs Terraform."""

    mode: Literal["kubeconfig"] = Field(
        default="kubeconfig", description="Use a kubeconfig file."
    )
    kubeconfig_path: str = Field(
        default="~/.kube/config", description="Path to the kubeconfig file."
    )
    context: str | None = Field(
        default=None,
        description="Kubeconfig context. Unset: the file's current-context.",
    )


class VariablesConnection(MeshModel):
    """Reach the cluster with host, CA and token from sensitive Terraform variables.

    For runs with no kubeconfig (CI runners, Terraform Cloud). The values never
    pass through this config or the synthesized JSON: each stack declares the
    variables ``kube_host``, ``kube_cluster_ca_certificate`` and ``kube_token``,
    all sensitive, to be set as TF_VAR_* or workspace variables.
    """

    mode: Literal["variables"] = Field(description="Use Terraform variables.")


Connection = KubeconfigConnection | VariablesConnection | ExecConnection


def _kubeconfig_unless_told(value: object) -> object:
    # `connection: {context: prod}` should not need `mode: kubeconfig` spelled out.
    if isinstance(value, dict) and "mode" not in value:
        return {"mode": "kubeconfig", **value}
    return value


class HelmSettings(MeshModel):
    """How every Helm release is applied."""

    timeout_seconds: int = Field(
        default=600,
        ge=60,
        le=3600,
        description="How long one release may take to become ready before it fails.",
    )
    max_history: int = Field(
        default=10,
        ge=1,
        le=100,
        description="Release revisions Helm keeps (each is a Secret in the release namespace).",
    )
    atomic: bool = Field(
        default=True,
        description="Roll back a failed upgrade and remove a failed install, instead of leaving it half-applied.",
    )


class Autoscaling(MeshModel):
    """A HorizontalPodAutoscaler whose floor is the component's ``replicas``."""

    enabled: bool = Field(
        default=True,
        description="Scale between replicas and maxReplicas on CPU; off: exactly replicas pods.",
    )
    max_replicas: int = Field(
        default=5, ge=1, le=100, description="Autoscaler ceiling; at least replicas."
    )


class Spread(MeshModel):
    """Keep replicas apart so that one node or zone going down leaves the rest running."""

    anti_affinity: Literal["none", "preferred", "required"] = Field(
        default="none",
        description="Pod anti-affinity across nodes (kubernetes.io/hostname).",
    )
    topology_key: str | None = Field(
        default=None,
        description="Spread replicas evenly across this node label, e.g. 'topology.kubernetes.io/zone'.",
    )
    when_unsatisfiable: Literal["ScheduleAnyway", "DoNotSchedule"] = Field(
        default="ScheduleAnyway",
        description="What the topology spread does when it cannot be met.",
    )


class IstiodSettings(MeshModel):
    """The control plane (istiod chart)."""

    replicas: int = Field(
        default=1,
        ge=1,
        le=20,
        description="istiod pods that always run (the autoscaler floor when autoscaling).",
    )
    autoscaling: Autoscaling = Field(
        default_factory=Autoscaling, description="Autoscaling above replicas."
    )
    resources: Resources | None = Field(
        default=None,
        description="istiod container resources. Unset: the chart's (500m CPU, 2Gi memory requested).",
    )
    spread: Spread = Field(default_factory=Spread, description="Replica placement.")
    extra_values: dict[str, Any] = Field(
        default_factory=dict,
        description="Escape hatch: istiod chart values deep-merged over the generated ones.",
    )

    @model_validator(mode="after")
    def _ceiling_above_floor(self) -> IstiodSettings:
        _check_ceiling(self.replicas, self.autoscaling)
        return self


def _check_ceiling(replicas: int, autoscaling: Autoscaling) -> None:
    if autoscaling.enabled and autoscaling.max_replicas < replicas:
        raise RuleViolation(
            ("autoscaling", "maxReplicas"),
            f"{autoscaling.max_replicas} is below replicas ({replicas}); "
            f"the autoscaler ceiling must be at least the floor",
        )


class RevisionSettings(IstiodSettings):
    """One istiod revision installed beside others, for canary upgrades.

    Each revision is its own Helm release (``istiod-<name>``) at its own
    version, with its own replicas and resources. The name ``default`` is the
    un-revisioned istiod (release ``istiod``), so an existing install can be
    listed as a revision and upgraded without being reinstalled.
    """

    name: DnsLabel = Field(
        description="Revision name, e.g. '1-30-3'; 'default' is the un-revisioned istiod."
    )
    version: str | None = Field(
        default=None,
        strict=True,
        description="Istio release of this revision (quote it). Unset: istio.version.",
    )

    @field_validator("version")
    @classmethod
    def _supported_version(cls, value: str | None) -> str | None:
        return None if value is None else supported_version(value)


class ZtunnelSettings(MeshModel):
    """The ztunnel node proxy (ztunnel chart), the data plane of ambient mode."""

    enabled: bool = Field(
        default=False, description="Install ztunnel; needs istio.profile: ambient."
    )
    resources: Resources | None = Field(
        default=None, description="ztunnel container resources. Unset: the chart's."
    )
    extra_values: dict[str, Any] = Field(
        default_factory=dict,
        description="Escape hatch: ztunnel chart values deep-merged over the generated ones.",
    )


class AccessLog(MeshModel):
    """Envoy access logging for every proxy."""

    file: str = Field(
        default="",
        description="Where proxies write access logs, e.g. '/dev/stdout'. Empty: off.",
    )
    encoding: Literal["TEXT", "JSON"] = Field(default="TEXT", description="Log line encoding.")
    format: str = Field(
        default="", description="Envoy format string. Empty: Istio's default format."
    )


class Tracing(MeshModel):
    """Distributed tracing from the proxies."""

    enabled: bool = Field(default=False, description="Proxies emit trace spans.")
    sampling: float = Field(
        default=1.0, ge=0.0, le=100.0, description="Percentage of requests traced."
    )
    zipkin_address: str | None = Field(
        default=None,
        description="host:port of a Zipkin-compatible collector. Unset: Istio's default.",
    )


class ProxySettings(MeshModel):
    """Defaults for every injected sidecar proxy."""

    resources: Resources | None = Field(
        default=None,
        description="Sidecar resources. Unset: the chart's (100m/128Mi requested, 2 CPU/1Gi limits).",
    )

    @model_validator(mode="after")
    def _requests_within_chart_limits(self) -> ProxySettings:
        if self.resources is not None and self.resources.limits is None:
            self.resources.check_within(
                PROXY_CHART_LIMITS, prefix=("resources",), whose="chart's default "
            )
        return self


def _mesh_id(value: str) -> str:
    if not re.match(r"^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$", value):
        raise ValueError(
            "must be lowercase letters, digits, '-' and '.', starting and ending with a "
            "letter or digit (at most 63), e.g. 'mesh1'"
        )
    return value


class MeshSettings(MeshModel):
    """Mesh-wide runtime settings (the istiod chart's meshConfig)."""

    mesh_id: Annotated[str, AfterValidator(_mesh_id)] | None = Field(
        default=None,
        description=(
            "Mesh ID (the istiod chart's global.meshID); every cluster of a multicluster "
            "mesh must use the same one, and changing it later is disruptive. Unset: "
            "Istio uses the trust domain, 'cluster.local'."
        ),
    )
    access_log: AccessLog = Field(default_factory=AccessLog, description="Access logs.")
    tracing: Tracing = Field(default_factory=Tracing, description="Tracing.")
    outbound_traffic_policy: OutboundTrafficPolicy = Field(
        default=OutboundTrafficPolicy.ALLOW_ANY,
        description="REGISTRY_ONLY blocks calls to hosts not in the service registry.",
    )
    hold_application_until_proxy_starts: bool = Field(
        default=False,
        description=(
            "Start application containers only once the sidecar is ready. Where istiod "
            "injects native sidecars (all nodes on Kubernetes >= 1.33), they start first anyway."
        ),
    )
    dns_capture: bool = Field(
        default=False,
        description="Sidecars answer DNS queries (needed for ServiceEntry hosts without DNS).",
    )
    proxy: ProxySettings = Field(default_factory=ProxySettings, description="Sidecar defaults.")


class CniSettings(MeshModel):
    """The Istio CNI node agent (cni chart), which replaces the privileged istio-init container."""

    enabled: bool = Field(default=False, description="Install the CNI node agent.")
    namespace: DnsLabel = Field(
        default="kube-system",
        description=(
            "Namespace of the CNI DaemonSet. kube-system, as Istio recommends: its pods "
            "use the system-node-critical priority class, which clusters often allow only there."
        ),
    )
    resources: Resources | None = Field(
        default=None, description="CNI agent resources. Unset: the chart's."
    )
    extra_values: dict[str, Any] = Field(
        default_factory=dict,
        description="Escape hatch: cni chart values deep-merged over the generated ones.",
    )


class ServicePort(MeshModel):
    """One port of a gateway Service."""

    name: DnsLabel = Field(description="Port name; Istio infers the protocol from its prefix.")
    port: int = Field(ge=1, le=65535, description="Service port.")
    target_port: int | None = Field(
        default=None, ge=1, le=65535, description="Container port. Unset: same as port."
    )
    protocol: Literal["TCP", "UDP", "SCTP"] = Field(default="TCP", description="L4 protocol.")


def _default_ports() -> tuple[ServicePort, ...]:
    return (
        ServicePort(name="status-port", port=15021),
        ServicePort(name="http2", port=80),
        ServicePort(name="https", port=443),
    )


class GatewayService(MeshModel):
    """The Kubernetes Service in front of a gateway."""

    type: Literal["LoadBalancer", "NodePort", "ClusterIP"] | None = Field(
        default=None,
        description=(
            "Service type. Unset: LoadBalancer for ingress and eastwest, ClusterIP for egress. "
            "Use ClusterIP or NodePort on clusters without a load balancer."
        ),
    )
    ports: tuple[ServicePort, ...] = Field(
        default_factory=_default_ports,
        description="Service ports. Default: status-port 15021, http2 80, https 443.",
    )
    annotations: dict[str, str] = Field(
        default_factory=dict,
        description="Service annotations, e.g. cloud load balancer settings.",
    )
    wait_for_address: bool = Field(
        default=True,
        description=(
            "Wait for a LoadBalancer address before the release counts as ready. "
            "Turn off where addresses are assigned late, so the deploy does not sit "
            "out its timeout; pods are then not waited for either."
        ),
    )

    @field_validator("ports")
    @classmethod
    def _unique_ports(cls, ports: tuple[ServicePort, ...]) -> tuple[ServicePort, ...]:
        for attr in ("name", "port"):
            seen = [getattr(p, attr) for p in ports]
            dupes = sorted({str(v) for v in seen if seen.count(v) > 1})
            if dupes:
                raise ValueError(f"duplicate port {attr}: {', '.join(dupes)}")
        return ports


class GatewaySettings(MeshModel):
    """An ingress, egress or east-west gateway (gateway chart)."""

    name: DnsLabel = Field(
        description="Release and Deployment name, e.g. 'istio-ingressgateway'."
    )
    kind: Literal["ingress", "egress", "eastwest"] = Field(
        description=(
            "Traffic direction; eastwest: the network gateway of a multicluster mesh "
            "(cross-network ports 15021, 15443, 15012, 15017, set by the chart)."
        )
    )
    namespace: DnsLabel | None = Field(
        default=None,
        description="Namespace. Unset: istio-ingress, istio-egress or istio-eastwest, kept apart from istiod.",
    )
    replicas: int = Field(
        default=1,
        ge=1,
        le=50,
        description="Gateway pods that always run (the autoscaler floor when autoscaling).",
    )
    autoscaling: Autoscaling = Field(
        default_factory=Autoscaling, description="Autoscaling above replicas."
    )
    resources: Resources | None = Field(
        default=None,
        description="Gateway container resources. Unset: the chart's (100m/128Mi requested, 2 CPU/1Gi limits).",
    )
    service: GatewayService = Field(
        default_factory=GatewayService, description="The gateway's Service."
    )
    spread: Spread = Field(default_factory=Spread, description="Replica placement.")
    revision: DnsLabel | None = Field(
        default=None,
        description=(
            "istiod revision or revision tag whose injector configures this gateway; "
            "the chart is installed at that revision's version. Unset: the default revision."
        ),
    )
    extra_values: dict[str, Any] = Field(
        default_factory=dict,
        description="Escape hatch: gateway chart values deep-merged over the generated ones.",
    )

    @property
    def resolved_namespace(self) -> str:
        """The namespace the gateway is installed in."""
        return self.namespace or f"istio-{self.kind}"

    @property
    def service_type(self) -> str:
        """The Service type after the per-kind default."""
        return self.service.type or ("ClusterIP" if self.kind == "egress" else "LoadBalancer")

    @model_validator(mode="after")
    def _consistent(self) -> GatewaySettings:
        _check_ceiling(self.replicas, self.autoscaling)
        if self.resources is not None and self.resources.limits is None:
            self.resources.check_within(
                GATEWAY_CHART_LIMITS, prefix=("resources",), whose="chart's default "
            )
        return self


class MtlsSettings(MeshModel):
    """Mutual TLS between workloads (PeerAuthentication)."""

    mode: MtlsMode = Field(
        default=MtlsMode.PERMISSIVE,
        description="Mesh-wide mode. PERMISSIVE accepts plain text too; STRICT refuses it.",
    )
    namespace_overrides: dict[DnsLabel, MtlsMode] = Field(
        default_factory=dict,
        description="Per-namespace modes that differ from the mesh-wide one.",
    )


class NamespaceSettings(MeshModel):
    """An application namespace onboarded to the mesh."""

    name: DnsLabel = Field(description="Namespace name.")
    create: bool = Field(
        default=False,
        description=(
            "Create the namespace (and delete it, with everything in it, on destroy). "
            "False: label a namespace that already exists and leave it on destroy."
        ),
    )
    dataplane: Literal["sidecar", "ambient"] = Field(
        default="sidecar",
        description=(
            "sidecar: injected proxies (istio-injection or istio.io/rev); ambient: enrolled "
            "with istio.io/dataplane-mode=ambient and no sidecar label (needs istio.profile: ambient)."
        ),
    )
    injection: bool = Field(
        default=True,
        description=(
            "Sidecar injection (dataplane: sidecar only): istio-injection=enabled, "
            "or =disabled when false."
        ),
    )
    revision: DnsLabel | None = Field(
        default=None,
        description=(
            "Inject from this istiod revision or revision tag: sets istio.io/rev=<name> "
            "instead of istio-injection. Unset: the default revision."
        ),
    )
    waypoint: bool = Field(
        default=False,
        description=(
            "Ambient only: deploy a waypoint proxy (Gateway 'waypoint', class istio-waypoint) "
            "for L7 policy and label the namespace istio.io/use-waypoint=waypoint. "
            "Needs the Kubernetes Gateway API CRDs installed in the cluster."
        ),
    )
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="Extra labels, only for namespaces this stack creates.",
    )

    @model_validator(mode="after")
    def _labels_need_create(self) -> NamespaceSettings:
        if self.labels and not self.create:
            raise RuleViolation(
                ("labels",),
                "labels are only set on namespaces this stack creates; "
                "set create: true or remove labels",
            )
        for key in sorted(MANAGED_NAMESPACE_LABELS):
            if key in self.labels:
                raise RuleViolation(
                    ("labels", key),
                    "is managed by this stack; use dataplane, injection, revision or waypoint",
                )
        if self.dataplane == "ambient":
            if "injection" in self.model_fields_set and self.injection:
                raise RuleViolation(
                    ("injection",),
                    "sidecar injection and ambient enrolment are exclusive per namespace; "
                    "remove injection or set dataplane: sidecar",
                )
            if self.revision is not None:
                raise RuleViolation(
                    ("revision",),
                    "selects a sidecar injector; ambient namespaces have no sidecars",
                )
        elif self.waypoint:
            raise RuleViolation(
                ("waypoint",), "waypoints serve ambient namespaces; set dataplane: ambient"
            )
        if self.revision is not None and not self.injection:
            raise RuleViolation(
                ("revision",), "selects a sidecar injector; it needs injection: true"
            )
        return self


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
    connection: Annotated[Connection, BeforeValidator(_kubeconfig_unless_told)] = Field(
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
    multicluster: MulticlusterSettings | None = Field(
        default=None,
        description="This cluster's name, network and role in a multicluster mesh. Unset: a single-cluster mesh.",
    )

    @model_validator(mode="after")
    def _cross_component(self) -> MeshConfig:
        check_remote_runs(self.backend, self.connection.mode, getattr(self.connection, "command", None))
        if self.kubernetes_version is not None:
            for i, plane in enumerate(control_planes(self)):
                field: tuple[str | int, ...] = (
                    ("revisions", i, "version") if self.revisions else ("kubernetesVersion",)
                )
                check_kubernetes_support(
                    plane.version,
                    self.kubernetes_version,
                    field=field,
                    istio_field=f"revisions[{i}].version" if self.revisions else "istio.version",
                )
        _refuse_repeats("gateways", [g.name for g in self.gateways])
        _refuse_repeats("namespaces", [n.name for n in self.namespaces])
        forbidden = RESERVED_NAMESPACES | {self.istio_namespace}
        for i, ns in enumerate(self.namespaces):
            if ns.name in forbidden:
                raise RuleViolation(
                    ("namespaces", i, "name"),
                    f"{ns.name!r} runs system or control-plane pods and cannot be "
                    f"onboarded; allowed: application namespaces",
                )
        for name in self.mtls.namespace_overrides:
            if name in forbidden:
                raise RuleViolation(
                    ("mtls", "namespaceOverrides", name),
                    f"{name!r} is a system namespace; the mesh-wide mode is mtls.mode",
                )
        for i, gateway in enumerate(self.gateways):
            if gateway.resolved_namespace == self.istio_namespace:
                raise RuleViolation(
                    ("gateways", i, "namespace"),
                    f"{gateway.resolved_namespace!r} is istiod's namespace; Istio "
                    f"recommends a separate namespace per gateway",
                )
        check_revisions(self)
        check_ambient(self)
        check_egress(self)
        check_authorization(self)
        check_sidecar_scope(self)
        check_extra_resources(self)
        check_multicluster(self)
        return self


def _refuse_repeats(field: str, names: list[str]) -> None:
    for i, name in enumerate(names):
        if name in names[:i]:
            raise RuleViolation(
                (field, i, "name"), f"{name!r} is used more than once; names must be unique"
            )

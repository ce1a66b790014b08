"""Authorization (who may call what) and the mesh's certificate authority.

Authorization is written as allow rules: with ``defaultDeny`` on, a request
is refused unless a rule names its source and operation. Sources are workload
identities (service accounts, gateways), namespaces or raw principals;
operations are ports, methods and paths.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from istio_mesh.config.base import DnsLabel, MeshModel, check_labels
from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.namespaces import RESERVED_NAMESPACES
from istio_mesh.config.url_credentials import refuse_address_credentials

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig
    from istio_mesh.config.gateways import GatewaySettings

DEFAULT_DENY_POLICY = "allow-nothing"
"""Name of the mesh-wide allow-nothing policy in the root namespace."""

HttpMethod = Literal["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"]

_NAMESPACE_PATTERN = re.compile(
    r"(\*|\*[-a-z0-9]{1,62}|[-a-z0-9]{1,62}\*|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)",
    re.ASCII,
)
_SERVICE_ACCOUNT = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?", re.ASCII)
_HOST_PATTERN = re.compile(r"(\*|\*?[-A-Za-z0-9.]+(:[0-9]{1,5})?|[-A-Za-z0-9.]+\*)", re.ASCII)
_CA_ADDRESS = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?:[0-9]{1,5}", re.ASCII)


def gateway_policy_name(gateway_name: str) -> str:
    """The ALLOW policy on a gateway's own pods (its namespace, selected by label)."""
    return f"allow-{gateway_name}"


def _namespace_pattern(value: str) -> str:
    if not _NAMESPACE_PATTERN.fullmatch(value):
        raise ValueError(
            "must be a namespace name, '*', or a name with a leading or trailing '*'"
        )
    return value


def _principal(value: str) -> str:
    if value.startswith("spiffe://"):
        raise ValueError("write principals without 'spiffe://', e.g. 'cluster.local/ns/shop/sa/web'")
    if not value or any(c.isspace() for c in value):
        raise ValueError("must be a non-empty principal without spaces")
    return value


def _service_account(value: str) -> str:
    if not _SERVICE_ACCOUNT.fullmatch(value):
        raise ValueError("must be '<namespace>/<service account>', e.g. 'shop/checkout'")
    return value


def _path(value: str) -> str:
    if not value.startswith(("/", "*")) or any(c.isspace() for c in value):
        raise ValueError("must start with '/' (exact or '/prefix/*') or '*' (suffix or any)")
    return value


def _ip_block(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError("must be an IP address or CIDR block, e.g. '203.0.113.0/24'") from None
    return value


def _host(value: str) -> str:
    if not _HOST_PATTERN.fullmatch(value):
        raise ValueError("must be a host name, optionally with a leading '*' or a ':port'")
    return value


NamespacePattern = Annotated[str, AfterValidator(_namespace_pattern)]
Principal = Annotated[str, AfterValidator(_principal)]
ServiceAccountRef = Annotated[str, AfterValidator(_service_account)]
RequestPath = Annotated[str, AfterValidator(_path)]
IpBlock = Annotated[str, AfterValidator(_ip_block)]
RequestHost = Annotated[str, AfterValidator(_host)]
Port = Annotated[int, Field(ge=1, le=65535)]


def check_selector(labels: dict[str, str]) -> dict[str, str]:
    """Istio refuses wildcards and empty keys in a workload selector; the
    rest are Kubernetes' label rules."""
    for key, value in labels.items():
        if not key or "*" in key or "*" in value:
            raise ValueError("label keys and values must be non-empty and have no '*'")
    return check_labels(labels)


Selector = Annotated[dict[str, str], AfterValidator(check_selector)]


class Sources(MeshModel):
    """Who may call: a request matches when it comes from ANY listed identity or namespace.

    Each kind becomes its own ``from`` entry; inside one Istio ``source``
    the fields would all have to match.
    """

    service_accounts: tuple[ServiceAccountRef, ...] = Field(
        default=(), description="Workload identities as '<namespace>/<service account>'."
    )
    gateways: tuple[DnsLabel, ...] = Field(
        default=(),
        description="Gateways (names from gateways[]) whose traffic is allowed, by their service account.",
    )
    namespaces: tuple[NamespacePattern, ...] = Field(
        default=(),
        description="Any workload in these namespaces ('*' or a prefix/suffix pattern allowed).",
    )
    principals: tuple[Principal, ...] = Field(
        default=(),
        description="Raw mTLS principals, e.g. 'cluster.local/ns/shop/sa/web' (no 'spiffe://').",
    )

    @model_validator(mode="after")
    def _names_someone(self) -> Sources:
        if not (self.service_accounts or self.gateways or self.namespaces or self.principals):
            raise RuleViolation(
                (),
                "names no source; list serviceAccounts, gateways, namespaces or principals "
                "(namespaces: ['*'] allows any authenticated workload)",
            )
        return self


class Operations(MeshModel):
    """What may be called: every listed kind must match (port AND method AND path).

    An empty kind matches anything.
    """

    ports: tuple[Port, ...] = Field(default=(), description="Workload (container) ports.")
    methods: tuple[HttpMethod, ...] = Field(
        default=(), description="HTTP methods, upper case (HTTP traffic only)."
    )
    paths: tuple[RequestPath, ...] = Field(
        default=(),
        description="HTTP paths: exact '/x', prefix '/x/*', suffix '*/x' (HTTP traffic only).",
    )


class AllowRule(MeshModel):
    """An ALLOW AuthorizationPolicy in one namespace."""

    name: DnsLabel = Field(description="Policy name, unique in its namespace.")
    namespace: DnsLabel = Field(
        description="Namespace of the workloads it protects (the root namespace: every workload)."
    )
    selector: Selector = Field(
        default_factory=dict,
        description="Pod labels of the protected workloads. Empty: every workload in the namespace.",
    )
    sources: Sources = Field(alias="from", description="Who may call.")
    to: Operations = Field(
        default_factory=Operations, description="What they may call. Empty: anything."
    )


class IngressAllow(MeshModel):
    """Clients allowed into an ingress gateway, which default deny covers too.

    Becomes an ALLOW policy on the gateway's own pods for its serving ports.
    """

    gateway: DnsLabel = Field(description="An ingress gateway from gateways[].")
    remote_ip_blocks: tuple[IpBlock, ...] = Field(
        default=(),
        description=(
            "Client addresses allowed. Empty: any client. Needs the real client IP at the "
            "gateway (externalTrafficPolicy: Local or trusted proxy headers)."
        ),
    )
    hosts: tuple[RequestHost, ...] = Field(
        default=(), description="Host headers allowed. Empty: any host."
    )


class AuthorizationSettings(MeshModel):
    """Mesh authorization (AuthorizationPolicy, security.istio.io/v1)."""

    default_deny: bool = Field(
        default=False,
        description=(
            "Apply an allow-nothing policy in the root namespace: every request to every "
            "workload and gateway is refused unless an ALLOW policy matches it."
        ),
    )
    allow: tuple[AllowRule, ...] = Field(default=(), description="Allow rules.")
    ingress: tuple[IngressAllow, ...] = Field(
        default=(), description="Traffic each ingress gateway accepts from clients."
    )


class CertificateAuthority(MeshModel):
    """Who signs workload certificates."""

    mode: Literal["istiod", "plugin", "external"] = Field(
        default="istiod",
        description=(
            "istiod: istiod's self-signed root. plugin: istiod signs with your intermediate "
            "CA, given as sensitive Terraform variables (the cacerts secret). external: an "
            "external CA such as cert-manager istio-csr signs, istiod's CA is off."
        ),
    )
    address: Annotated[str, AfterValidator(refuse_address_credentials)] | None = Field(
        default=None,
        description="external only: host:port of the CA, e.g. 'cert-manager-istio-csr.cert-manager.svc:443'.",
    )
    revision: int = Field(
        default=1,
        ge=1,
        description=(
            "plugin only: increase to push new certificate material from the variables "
            "(they are write-only, so Terraform cannot see a change by itself)."
        ),
    )

    @model_validator(mode="after")
    def _settings_fit_mode(self) -> CertificateAuthority:
        if self.mode == "external":
            if self.address is None:
                raise RuleViolation(
                    ("address",), "required for mode: external, e.g. 'cert-manager-istio-csr.cert-manager.svc:443'"
                )
            if not _CA_ADDRESS.fullmatch(self.address):
                raise RuleViolation(("address",), f"got {self.address!a}; must be host:port")
        elif self.address is not None:
            raise RuleViolation(("address",), f"only used with mode: external (mode is {self.mode})")
        if self.revision != 1 and self.mode != "plugin":
            raise RuleViolation(("revision",), f"only used with mode: plugin (mode is {self.mode})")
        return self


def check_authorization(config: MeshConfig) -> None:
    """Rules that tie authorization to gateways, namespaces and generated policy names."""
    gateways = {g.name: g for g in config.gateways}
    _check_ingress_entries(config, gateways)
    _check_allow_rules(config, gateways, _generated_policy_names(config, gateways))


def _check_ingress_entries(config: MeshConfig, gateways: Mapping[str, GatewaySettings]) -> None:
    """One entry per ingress gateway of this config."""
    entries = config.authorization.ingress
    for i, entry in enumerate(entries):
        gateway = gateways.get(entry.gateway)
        if gateway is None or gateway.kind != "ingress":
            ingress = ", ".join(sorted(g.name for g in config.gateways if g.kind == "ingress"))
            raise RuleViolation(
                ("authorization", "ingress", i, "gateway"),
                f"{entry.gateway!a} is not an ingress gateway of this config; "
                f"allowed: {ingress or 'none defined'}",
            )
        if entry.gateway in [e.gateway for e in entries[:i]]:
            raise RuleViolation(
                ("authorization", "ingress", i, "gateway"),
                f"{entry.gateway!a} has more than one entry; merge them",
            )


def _generated_policy_names(
    config: MeshConfig, gateways: Mapping[str, GatewaySettings]
) -> dict[tuple[str, str], str]:
    """(namespace, name) of every policy the typed settings generate -> the
    setting that generates it, so that an allow rule cannot take its name."""
    authz = config.authorization
    taken: dict[tuple[str, str], str] = {}
    if authz.default_deny:
        taken[(config.istio_namespace, DEFAULT_DENY_POLICY)] = "authorization.defaultDeny"
    for i, entry in enumerate(authz.ingress):
        gateway = gateways[entry.gateway]
        taken[(gateway.resolved_namespace, gateway_policy_name(gateway.name))] = (
            f"authorization.ingress[{i}]"
        )
    if authz.default_deny:
        for i, service in enumerate(config.egress.services):
            if service.egress_gateway is not None:
                gateway = gateways[service.egress_gateway]
                taken[(gateway.resolved_namespace, gateway_policy_name(gateway.name))] = (
                    f"egress.services[{i}].egressGateway under default deny"
                )
    return taken


def _check_allow_rules(
    config: MeshConfig,
    gateways: Mapping[str, GatewaySettings],
    taken: dict[tuple[str, str], str],
) -> None:
    """Allow rules in application namespaces, from gateways that exist, each
    with a policy name of its own."""
    defined = ", ".join(sorted(gateways)) or "none defined"
    for i, rule in enumerate(config.authorization.allow):
        where = ("authorization", "allow", i)
        if rule.namespace in RESERVED_NAMESPACES:
            raise RuleViolation(
                (*where, "namespace"),
                f"{rule.namespace!a} runs system pods without sidecars; allowed: application "
                f"namespaces or {config.istio_namespace!a} (mesh-wide)",
            )
        for j, name in enumerate(rule.sources.gateways):
            if name not in gateways:
                raise RuleViolation(
                    (*where, "from", "gateways", j),
                    f"{name!a} is not a gateway of this config; allowed: {defined}",
                )
        key = (rule.namespace, rule.name)
        if key in taken:
            raise RuleViolation(
                (*where, "name"),
                f"{rule.name!a} in namespace {rule.namespace!a} is already the name of "
                f"the policy from {taken[key]}; choose another name",
            )
        taken[key] = f"authorization.allow[{i}]"

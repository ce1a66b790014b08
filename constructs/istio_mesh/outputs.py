"""What the mesh stack publishes for other stacks (Terraform outputs).

Other stacks and workspaces read these through remote state
(``terraform_remote_state``, or ``tfe_outputs`` in HCP Terraform) to route
traffic to an ingress gateway, label namespaces for a revision or join a
multicluster mesh. Names and shapes are a public contract, like construct
ids: renaming one breaks every consumer. Each value is read from the chart
values the stack installs, so an ``extraValues`` override (a gateway's
``name``, istiod's ``revision`` or ``meshConfig.trustDomain``) shows in the
output too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from istio_mesh.config.models import MeshConfig
from istio_mesh.values.gateway import gateway_values
from istio_mesh.values.istiod import istiod_values

DEFAULT_REVISION = "default"
"""How ``istio.io/rev`` labels name istiod installed without a revision."""

DEFAULT_TRUST_DOMAIN = "cluster.local"
"""The istiod chart's trust domain, which is also the mesh ID when none is set."""

OUTPUT_NAMES = ("ingress_gateways", "istiod_revisions", "mesh_id", "root_namespace")


@dataclass(frozen=True)
class MeshOutput:
    """One Terraform output: its name, JSON value and description."""

    name: str
    value: Any
    description: str


def istiod_revisions(config: MeshConfig) -> list[str]:
    """Every istiod revision the mesh installs, as ``istio.io/rev`` names them.

    Today there is one istiod, installed without a revision, so this is
    ``["default"]`` (or its ``extraValues.revision``). When the config can
    hold several revisions, this is the one function to extend: list each
    revision's name, ``"default"`` standing for the unnamed one.
    """
    revision = istiod_values(config).get("revision") or ""
    return [revision or DEFAULT_REVISION]


def mesh_id(config: MeshConfig) -> str:
    """The mesh ID proxies report (``ISTIO_META_MESH_ID``), as the chart's
    injection template picks it: ``global.meshID``, else the trust domain."""
    values = istiod_values(config)
    chart_globals: dict[str, Any] = values.get("global", {})
    mesh_config: dict[str, Any] = values.get("meshConfig", {})
    return str(
        chart_globals.get("meshID")
        or mesh_config.get("trustDomain")
        or chart_globals.get("trustDomain")
        or DEFAULT_TRUST_DOMAIN
    )


def root_namespace(config: MeshConfig) -> str:
    """Where mesh-wide policy goes (``meshConfig.rootNamespace``)."""
    return str(istiod_values(config)["meshConfig"]["rootNamespace"])


def ingress_gateways(config: MeshConfig) -> dict[str, dict[str, str]]:
    """Each ingress gateway's Service, by gateway name. The chart names the
    Service after its ``name`` value, which defaults to the release name."""
    return {
        gateway.name: {
            "service": str(gateway_values(config, gateway).get("name") or gateway.name),
            "namespace": gateway.resolved_namespace,
        }
        for gateway in config.gateways
        if gateway.kind == "ingress"
    }


def mesh_outputs(config: MeshConfig) -> list[MeshOutput]:
    """The mesh stack's outputs, in name order."""
    outputs = [
        MeshOutput(
            "ingress_gateways",
            ingress_gateways(config),
            "Ingress gateways by name: {service, namespace} of each gateway's Service.",
        ),
        MeshOutput(
            "istiod_revisions",
            istiod_revisions(config),
            "istiod revisions installed, as istio.io/rev names them ('default': no revision).",
        ),
        MeshOutput(
            "mesh_id",
            mesh_id(config),
            "Mesh ID proxies report; the same on every cluster of one multicluster mesh.",
        ),
        MeshOutput(
            "root_namespace",
            root_namespace(config),
            "Mesh root namespace: policies placed here apply mesh-wide.",
        ),
    ]
    return outputs

"""What the mesh stack publishes for other stacks (Terraform outputs).

Other stacks and workspaces read these through remote state
(``terraform_remote_state``, or ``tfe_outputs`` in HCP Terraform) to route
traffic to an ingress gateway, label namespaces for a revision or join a
multicluster mesh. Names and shapes are a public contract, like construct
ids: renaming one breaks every consumer. Each value is read from the chart
values the stack installs, so an ``extraValues`` override (a gateway's
``name``, istiod's ``revision`` or ``meshConfig.trustDomain``) shows in the
output too. They are read off the mesh plan, the same data the releases
are rendered from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from istio_mesh.config.control_planes import DEFAULT_REVISION
from istio_mesh.config.gateway_api import gateway_api_deployment_name
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan.mesh import MeshPlan, mesh_plan


DEFAULT_TRUST_DOMAIN = "cluster.local"
"""The istiod chart's trust domain, which is also the mesh ID when none is set."""

OUTPUT_NAMES = ("ingress_gateways", "istiod_revisions", "mesh_id", "root_namespace")


@dataclass(frozen=True)
class MeshOutput:
    """One Terraform output: its name, JSON value and description."""

    name: str
    value: Any
    description: str


def istiod_revisions(plan: MeshPlan) -> list[str]:
    """Every istiod revision the mesh installs, as ``istio.io/rev`` names them
    (``"default"`` for the un-revisioned one), in config order; read from each
    release's values, so an ``extraValues.revision`` shows too."""
    return [str(istiod.values.get("revision") or DEFAULT_REVISION) for istiod in plan.istiods.values()]


def mesh_id(plan: MeshPlan) -> str:
    """The mesh ID proxies report (``ISTIO_META_MESH_ID``), as the chart's
    injection template picks it: ``global.meshID``, else the trust domain.
    Read from the default revision's values (or the first revision's): mesh
    ID and root namespace are the same in every revision's values."""
    values = plan.default_istiod.values
    chart_globals: dict[str, Any] = values.get("global", {})
    mesh_config: dict[str, Any] = values.get("meshConfig", {})
    return str(
        chart_globals.get("meshID")
        or mesh_config.get("trustDomain")
        or chart_globals.get("trustDomain")
        or DEFAULT_TRUST_DOMAIN
    )


def root_namespace(plan: MeshPlan) -> str:
    """Where mesh-wide policy goes (``meshConfig.rootNamespace``)."""
    return str(plan.default_istiod.values["meshConfig"]["rootNamespace"])


def ingress_gateways(config: MeshConfig, plan: MeshPlan) -> dict[str, dict[str, str]]:
    """Each ingress gateway's Service, by gateway name. The chart names the
    Service after its ``name`` value, which defaults to the release name."""
    releases = {release.name: release for release in plan.gateways}
    out: dict[str, dict[str, str]] = {}
    for gateway in config.gateways:
        if gateway.kind != "ingress":
            continue
        if gateway.api == "gateway-api":
            # Istio deploys a Gateway API gateway's Service as <name>-istio.
            out[gateway.name] = {
                "service": gateway_api_deployment_name(gateway.name),
                "namespace": gateway.resolved_namespace,
            }
            continue
        release = releases[gateway.name]
        out[gateway.name] = {
            "service": str(release.values.get("name") or gateway.name), "namespace": release.namespace
        }
    return out


def mesh_outputs(config: MeshConfig, plan: MeshPlan | None = None) -> list[MeshOutput]:
    """The mesh stack's outputs, in name order (``plan``: the config's mesh
    plan, when the caller has it already)."""
    plan = plan if plan is not None else mesh_plan(config)
    return [
        MeshOutput(
            "ingress_gateways",
            ingress_gateways(config, plan),
            "Ingress gateways by name: {service, namespace} of each gateway's Service.",
        ),
        MeshOutput(
            "istiod_revisions",
            istiod_revisions(plan),
            "istiod revisions installed, as istio.io/rev names them ('default': no revision).",
        ),
        MeshOutput(
            "mesh_id",
            mesh_id(plan),
            "Mesh ID proxies report; the same on every cluster of one multicluster mesh.",
        ),
        MeshOutput(
            "root_namespace",
            root_namespace(plan),
            "Mesh root namespace: policies placed here apply mesh-wide.",
        ),
    ]

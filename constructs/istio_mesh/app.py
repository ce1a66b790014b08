"""Build the cdktf app: two stacks per cluster config."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from istio_mesh.config.backend import stack_name
from istio_mesh.config.fleet import remote_primaries
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan import cluster_plan
from istio_mesh.runtime.provider_dialect import app_context
from istio_mesh.stacks import MeshStack, PoliciesStack
from istio_mesh.runtime.terraform import App


def mesh_stack_name(prefix: str) -> str:
    """Stack that installs Istio for the cluster config ``prefix``."""
    return stack_name(prefix, "mesh")


def policies_stack_name(prefix: str) -> str:
    """Stack that applies Istio policy for the cluster config ``prefix``."""
    return stack_name(prefix, "policies")


def build_app(configs: Mapping[str, MeshConfig], outdir: Path | str | None = None) -> App:
    """An App holding ``<name>-mesh`` and ``<name>-policies`` for each config.

    Configs are added in name order so that the manifest does not depend on
    the order files were listed in. A remote cluster's mesh stack depends on
    its primary's policies stack (see :func:`remote_primaries`).
    """
    context = app_context()
    app = App(outdir=str(outdir), context=context) if outdir is not None else App(context=context)
    stacks: dict[str, tuple[MeshStack, PoliciesStack]] = {}
    for prefix in sorted(configs):
        config = configs[prefix]
        plan = cluster_plan(config)
        mesh = MeshStack(app, mesh_stack_name(prefix), config=config, plan=plan)
        stacks[prefix] = (
            mesh,
            PoliciesStack(app, policies_stack_name(prefix), config=config, mesh=mesh, plan=plan),
        )
    for remote, primary in remote_primaries(configs).items():
        stacks[remote][0].add_dependency(stacks[primary][1])
    return app

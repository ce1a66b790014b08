"""MeshOutputs (components/outputs.py): the mesh stack's outputs, named exactly
as the plan names them, each depending on every release by plain address.
This file checks the outputs of a small plan and the edge of a plan with no
outputs or no releases."""

from __future__ import annotations

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import cluster_plan
from istio_mesh.plan.outputs import MeshOutput


def test_every_output_is_named_by_the_plan_and_waits_for_every_release() -> None:
    from istio_mesh.components import MeshOutputs

    plan = cluster_plan(config_from("gateways: [{name: edge, kind: ingress}]"))
    stack = fresh_stack()
    MeshOutputs(stack, "outputs", outputs=plan.outputs, releases=plan.mesh.releases)
    outputs = synth_stack(stack)["output"]
    releases = ["helm_release.istio-base", "helm_release.istiod", "helm_release.edge"]
    assert outputs == {
        "ingress_gateways": {
            "value": {"edge": {"service": "edge", "namespace": "istio-ingress"}},
            "description": "Ingress gateways by name: {service, namespace} of each gateway's Service.",
            "depends_on": releases,
        },
        "istiod_revisions": {
            "value": ["default"],
            "description": "istiod revisions installed, as istio.io/rev names them ('default': no revision).",
            "depends_on": releases,
        },
        "mesh_id": {
            "value": "cluster.local",
            "description": "Mesh ID proxies report; the same on every cluster of one multicluster mesh.",
            "depends_on": releases,
        },
        "root_namespace": {
            "value": "istio-system",
            "description": "Mesh root namespace: policies placed here apply mesh-wide.",
            "depends_on": releases,
        },
    }


def test_an_output_given_no_releases_depends_on_nothing_and_no_outputs_render_none() -> None:
    from istio_mesh.components import MeshOutputs

    stack = fresh_stack()
    MeshOutputs(stack, "none", outputs=[], releases=[])
    MeshOutputs(stack, "bare", outputs=[MeshOutput("answer", 42, "A number.")], releases=[])
    assert synth_stack(stack)["output"] == {
        "answer": {"value": 42, "description": "A number.", "depends_on": []},
    }

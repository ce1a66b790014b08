"""Deploy order, critical path and worst-case bound, read from synthesized JSON.

Small hand-written ``cdk.tf.json`` documents, no jsii; one test reads the
real prod synthesis from the session fixture.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Synth
from deploy_graph import (
    HELM_DEFAULT_TIMEOUT_SECONDS,
    DeployGraph,
    critical_path,
    describe,
    graph_from_documents,
    load_graph,
    referenced_addresses,
    stack_from_json,
)


def release(timeout: int | None = 600, depends_on: list[str] | None = None, **extra: Any) -> dict:
    body: dict[str, Any] = {"chart": "x", **extra}
    if timeout is not None:
        body["timeout"] = timeout
    if depends_on:
        body["depends_on"] = depends_on
    return body


def helm_stack(**releases: dict) -> dict:
    return {"resource": {"helm_release": releases}}


def names(layers: list) -> list[list[str]]:
    return [[r.name for r in layer] for layer in layers]


def two_stacks(mesh: dict, policies: dict) -> DeployGraph:
    manifest = {"stacks": {"a-mesh": {"dependencies": []},
                           "a-policies": {"dependencies": ["a-mesh"]}}}
    return graph_from_documents({"a-mesh": mesh, "a-policies": policies}, manifest)


def test_depends_on_orders_releases_in_layers() -> None:
    stack = stack_from_json("s", helm_stack(
        base=release(),
        istiod=release(depends_on=["helm_release.base"]),
        ingress=release(depends_on=["helm_release.istiod"]),
        egress=release(depends_on=["helm_release.istiod"]),
    ))
    assert names(stack.layers()) == [["base"], ["istiod"], ["egress", "ingress"]]


def test_a_resource_waits_for_its_slowest_upstream() -> None:
    stack = stack_from_json("s", helm_stack(
        base=release(),
        cni=release(depends_on=["helm_release.base"]),
        istiod=release(depends_on=["helm_release.base", "helm_release.cni"]),
    ))
    assert names(stack.layers()) == [["base"], ["cni"], ["istiod"]]


def test_references_in_expressions_order_like_depends_on() -> None:
    stack = stack_from_json("s", helm_stack(
        base=release(),
        istiod=release(values=['{"revision":"${helm_release.base.metadata[0].name}"}']),
    ))
    assert stack.edges == (("helm_release.base", "helm_release.istiod"),)


def test_escaped_dollar_brace_is_text_not_a_reference() -> None:
    assert referenced_addresses({"values": ["$${helm_release.base.name}"]}) == set()


def test_references_to_variables_and_unknown_resources_are_not_edges() -> None:
    stack = stack_from_json("s", helm_stack(
        istiod=release(namespace="${var.namespace}", depends_on=["helm_release.gone"]),
    ))
    assert stack.edges == ()


def test_an_order_through_a_data_source_becomes_a_direct_edge() -> None:
    stack = stack_from_json("s", {
        "data": {"kubernetes_service": {"lb": {"depends_on": ["helm_release.gateway"]}}},
        "resource": {
            "helm_release": {"gateway": release()},
            "terraform_data": {"dns": {"input": "${data.kubernetes_service.lb.status}"}},
        },
    })
    assert [r.address for r in stack.resources] == ["helm_release.gateway", "terraform_data.dns"]
    assert stack.edges == (("helm_release.gateway", "terraform_data.dns"),)


def test_critical_path_counts_stages_and_sums_timeouts_of_the_slowest_chain() -> None:
    stack = helm_stack(
        a=release(timeout=100),
        b=release(timeout=100, depends_on=["helm_release.a"]),
        c=release(timeout=100, depends_on=["helm_release.b"]),
        d=release(timeout=500, depends_on=["helm_release.a"]),
    )
    path = critical_path(graph_from_documents({"s": stack}, {"stacks": {}}))
    assert path.helm_stages == 3
    assert path.bound_seconds == 600
    assert [r.name for r in path.releases] == ["a", "d"]


def test_a_release_without_timeout_counts_helms_default() -> None:
    path = critical_path(graph_from_documents({"s": helm_stack(a=release(timeout=None))}, {}))
    assert path.bound_seconds == HELM_DEFAULT_TIMEOUT_SECONDS == 300


def test_a_dependent_stack_starts_after_its_dependency_finishes() -> None:
    graph = two_stacks(
        helm_stack(base=release(timeout=60), istiod=release(timeout=60, depends_on=["helm_release.base"])),
        helm_stack(extra=release(timeout=30)),
    )
    assert [[s.name for s in layer] for layer in graph.stack_layers()] == [["a-mesh"], ["a-policies"]]
    path = critical_path(graph)
    assert (path.helm_stages, path.bound_seconds) == (3, 150)
    assert [f"{r.stack}/{r.name}" for r in path.releases] == [
        "a-mesh/base", "a-mesh/istiod", "a-policies/extra"]


def test_resources_without_a_helm_timeout_add_nothing_to_the_bound() -> None:
    graph = two_stacks(
        helm_stack(base=release(timeout=60)),
        {"resource": {"kubernetes_manifest": {"policy": {"manifest": {}}}}},
    )
    path = critical_path(graph)
    assert (path.helm_stages, path.bound_seconds) == (1, 60)
    assert [r.address for r in path.path] == ["helm_release.base"]


def test_a_cycle_is_reported_with_its_members() -> None:
    stack = stack_from_json("s", helm_stack(
        a=release(depends_on=["helm_release.b"]), b=release(depends_on=["helm_release.a"]),
        c=release(),
    ))
    with pytest.raises(ValueError, match=r"cycle in stack s: helm_release.a, helm_release.b"):
        stack.layers()


def test_component_keeps_one_clusters_stacks() -> None:
    manifest = {"stacks": {
        "a-mesh": {"dependencies": []}, "a-policies": {"dependencies": ["a-mesh"]},
        "b-mesh": {"dependencies": []}, "b-policies": {"dependencies": ["b-mesh"]},
    }}
    documents = {name: helm_stack() for name in manifest["stacks"]}
    graph = graph_from_documents(documents, manifest)
    assert [s.name for s in graph.component("a-policies").stacks] == ["a-mesh", "a-policies"]
    assert [s.name for s in graph.component("b-mesh").stacks] == ["b-mesh", "b-policies"]


def test_describe_lists_steps_and_parallel_members() -> None:
    graph = two_stacks(
        helm_stack(base=release(), gw1=release(depends_on=["helm_release.base"]),
                   gw2=release(depends_on=["helm_release.base"])),
        {},
    )
    assert describe(graph) == [
        "step 1: a-mesh",
        "  helm_release.base",
        "  helm_release.gw1 | helm_release.gw2",
        "step 2: a-policies",
    ]


def test_load_graph_reads_manifest_and_stack_files(tmp_path: Path) -> None:
    stack_dir = tmp_path / "stacks" / "one"
    stack_dir.mkdir(parents=True)
    (stack_dir / "cdk.tf.json").write_text(json.dumps(helm_stack(base=release(timeout=42))))
    (tmp_path / "manifest.json").write_text(json.dumps({"stacks": {"one": {
        "dependencies": [], "synthesizedStackPath": "stacks/one/cdk.tf.json"}}}))
    path = critical_path(load_graph(tmp_path))
    assert (path.helm_stages, path.bound_seconds) == (1, 42)


def test_prod_deploys_base_then_cni_and_istiod_then_both_gateways_then_policies(
    synth: Synth,
) -> None:
    graph = load_graph(synth.outdir).component("prod-mesh")
    assert [[s.name for s in layer] for layer in graph.stack_layers()] == [
        ["prod-mesh"], ["prod-policies"]]
    depth = {
        r.name: i for i, layer in enumerate(graph.stack("prod-mesh").layers()) for r in layer
    }
    assert depth["istio-base"] == 0
    assert depth["istio-base"] < depth["istio-cni"] < depth["istiod"]
    assert depth["istio-ingressgateway"] == depth["istio-egressgateway"] == depth["istiod"] + 1
    path = critical_path(graph)
    assert path.helm_stages == 4
    assert path.bound_seconds == 4 * 900  # config/prod.yaml: helm.timeoutSeconds 900


def test_the_plan_graph_has_the_synthesized_edges_between_planned_resources(
    synth: Synth, all_configs: dict[str, Any]
) -> None:
    from deploy_graph import graph_from_plans
    from istio_mesh.plan import cluster_plan

    names = ["prod", "ambient", "upgrade-step-2", "security-pack"]
    planned = graph_from_plans({name: cluster_plan(all_configs[name]) for name in names})
    synthesized = load_graph(synth.outdir)
    for stack in planned.stacks:
        from_json = synthesized.stack(stack.name)
        addresses = {r.address for r in stack.resources}
        assert addresses <= {r.address for r in from_json.resources}
        # The synthesized stack adds upgrade guards around the plan's items.
        assert set(stack.edges) == {(u, d) for u, d in from_json.edges if u in addresses and d in addresses}
        assert [r for r in stack.resources if r.is_helm_release] == [
            r for r in from_json.resources if r.is_helm_release
        ]

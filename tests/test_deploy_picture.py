"""The deploy picture: placement is pure and tested on small graphs; the
committed prod picture must match what ``make graph`` draws today."""

from __future__ import annotations

import filecmp
from pathlib import Path

from conftest import REPO, Synth
from istio_mesh.deploy_graph import DeployGraph, graph_from_documents, load_graph
from istio_mesh.deploy_picture import Picture, draw, kind_of, layout


def _graph() -> DeployGraph:
    mesh = {"resource": {"helm_release": {
        "base": {"chart": "base", "timeout": 60},
        "cni": {"chart": "cni", "timeout": 60, "depends_on": ["helm_release.base"]},
        "istiod": {"chart": "istiod", "timeout": 60,
                   "depends_on": ["helm_release.base", "helm_release.cni"]},
        "gw-a": {"chart": "gateway", "timeout": 60, "depends_on": ["helm_release.istiod"]},
        "gw-b": {"chart": "gateway", "timeout": 90, "depends_on": ["helm_release.istiod"]},
    }}}
    policies = {"resource": {
        "kubernetes_manifest": {"mtls": {"manifest": {}, "depends_on": ["kubernetes_namespace_v1.shop"]}},
        "kubernetes_namespace_v1": {"shop": {"metadata": {}}},
    }}
    manifest = {"stacks": {"x-mesh": {"dependencies": []},
                           "x-policies": {"dependencies": ["x-mesh"]}}}
    return graph_from_documents({"x-mesh": mesh, "x-policies": policies}, manifest)


def _picture() -> Picture:
    return layout(_graph(), "x")


def test_layers_go_top_to_bottom_and_parallel_members_sit_side_by_side() -> None:
    picture = _picture()
    base, cni, istiod = (picture.node(n) for n in ("base", "cni", "istiod"))
    gw_a, gw_b = picture.node("gw-a"), picture.node("gw-b")
    assert base.bottom < cni.y < cni.bottom < istiod.y < istiod.bottom < gw_a.y
    assert gw_a.y == gw_b.y
    assert gw_a.x + gw_a.width < gw_b.x


def test_nodes_sit_inside_their_stack_and_stacks_follow_their_dependencies() -> None:
    picture = _picture()
    mesh, policies = picture.panel("x-mesh"), picture.panel("x-policies")
    assert mesh.bottom < policies.y
    for name in ("base", "gw-a", "gw-b"):
        node = picture.node(name)
        assert mesh.x <= node.x and node.x + node.width <= mesh.x + mesh.width
        assert mesh.y < node.y and node.bottom <= mesh.bottom
    shop, mtls = picture.node("shop"), picture.node("mtls")
    assert policies.y < shop.y < shop.bottom < mtls.y < policies.bottom
    assert picture.width >= max(p.x + p.width for p in picture.panels)


def test_the_slowest_chain_is_marked_and_the_caption_gives_its_numbers() -> None:
    picture = _picture()
    marked = sorted(n.title for n in picture.nodes if n.critical)
    assert marked == ["base", "cni", "gw-b", "istiod"]
    assert "4 sequential Helm stages, worst case 270 s (4.5 min)" in picture.caption[0]
    assert "base → cni → istiod → gw-b" in picture.caption[1]


def test_arrows_follow_edges_and_a_skipping_edge_goes_around() -> None:
    picture = _picture()
    inside = [a for a in picture.arrows if not a.between_stacks]
    assert len(inside) == 6  # base->cni, base->istiod, cni->istiod, istiod->gw-a/b, shop->mtls
    around = [a for a in inside if a.around]
    base, istiod = picture.node("base"), picture.node("istiod")
    assert [(a.x1, a.x2) for a in around] == [(base.x + base.width, istiod.x + istiod.width)]
    assert sum(a.critical for a in inside) == 3  # base->cni->istiod->gw-b
    between = [a for a in picture.arrows if a.between_stacks]
    assert len(between) == 1 and not between[0].critical


def test_colours_tell_releases_istio_resources_and_namespaces_apart() -> None:
    stack = _graph().stack("x-policies")
    kinds = {r.address: kind_of(r) for r in stack.resources}
    assert kinds == {"kubernetes_manifest.mtls": "istio", "kubernetes_namespace_v1.shop": "namespace"}
    assert {kind_of(r) for r in _graph().stack("x-mesh").resources} == {"helm"}


def test_layout_is_deterministic() -> None:
    assert _picture() == _picture()


def test_prod_picture_shows_base_then_istiod_then_both_gateways_then_policies(synth: Synth) -> None:
    picture = layout(load_graph(synth.outdir).component("prod-mesh"), "prod")
    base, cni, istiod = (picture.node(n) for n in ("istio-base", "istio-cni", "istiod"))
    ingress, egress = picture.node("istio-ingressgateway"), picture.node("istio-egressgateway")
    assert base.bottom < cni.y and cni.bottom < istiod.y and istiod.bottom < ingress.y
    assert ingress.y == egress.y and ingress.x != egress.x
    assert picture.panel("prod-mesh").bottom < picture.panel("prod-policies").y


def test_committed_prod_picture_is_what_make_graph_draws(synth: Synth, tmp_path: Path) -> None:
    picture = layout(load_graph(synth.outdir).component("prod-mesh"), "prod")
    draw(picture, tmp_path / "prod.svg", tmp_path / "prod.png")
    committed = REPO / "docs" / "graph"
    for name in ("prod.svg", "prod.png"):
        assert filecmp.cmp(tmp_path / name, committed / name, shallow=False), (
            f"docs/graph/{name} is stale: run `make graph` and commit docs/graph/"
        )

"""The deploy picture (tools/deploy_picture.py, make graph): placement is pure
and tested on small graphs and on every shipped config; no arrow passes
through a box it does not start or end at, checked geometrically; the
pictures fit 900 px; every committed picture is what ``make graph`` draws
today, and the README's release order is the deploy order."""

from __future__ import annotations

import filecmp
import sys
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED_FILES, Synth
from deploy_graph import DeployGraph, graph_from_documents, load_graph  # noqa: E402

from deploy_picture import PNG_DPI, Arrow, Box, Picture, draw, kind_of, layout  # noqa: E402
from deploy_picture import main as deploy_picture_main  # noqa: E402

README_WIDTH_PX = 900
EPSILON = 1e-6


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


def _wide_graph() -> DeployGraph:
    """Seven resources that start together (more than fit side by side), one
    that waits for the first and last of them, and one that waits for a
    resource two steps up: arrows must find their way around wrapped rows."""
    namespaces = {f"namespace-number-{i}": {"metadata": {}} for i in range(7)}
    manifests = {
        "joins-first-and-last": {"manifest": {}, "depends_on": [
            "kubernetes_namespace_v1.namespace-number-0", "kubernetes_namespace_v1.namespace-number-6"]},
        "after-the-join": {"manifest": {}, "depends_on": ["kubernetes_manifest.joins-first-and-last",
                                                          "kubernetes_namespace_v1.namespace-number-3"]},
    }
    documents = {"w-policies": {"resource": {"kubernetes_namespace_v1": namespaces,
                                             "kubernetes_manifest": manifests}},
                 "w-mesh": {"resource": {"helm_release": {"base": {"chart": "base", "timeout": 60}}}},
                 "w-extra": {"resource": {"terraform_data": {"x": {}}}}}
    manifest = {"stacks": {"w-mesh": {"dependencies": []},
                           "w-policies": {"dependencies": ["w-mesh"]},
                           "w-extra": {"dependencies": ["w-mesh", "w-policies"]}}}
    return graph_from_documents(documents, manifest)


def _picture() -> Picture:
    return layout(_graph(), "x")


def _crosses(start: tuple[float, float], end: tuple[float, float], box: Box) -> bool:
    """Whether the segment passes through the box's interior (Liang-Barsky
    clipping against the rectangle shrunk by EPSILON): touching an edge, as an
    arrow does where it leaves or enters a box, is not crossing."""
    (x1, y1), (x2, y2) = start, end
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, x1 - (box.x + EPSILON)), (dx, (box.x + box.width - EPSILON) - x1),
                 (-dy, y1 - (box.y + EPSILON)), (dy, (box.y + box.height - EPSILON) - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return high - low > EPSILON


def _crossings(picture: Picture) -> list[str]:
    found = []
    for arrow in picture.arrows:
        obstacles = list(picture.nodes) + (list(picture.panels) if arrow.between_stacks else [])
        for start, end in arrow.segments():
            for box in obstacles:
                if _crosses(start, end, box):
                    found.append(f"{arrow.source} -> {arrow.target}: {start}-{end} crosses {box.title}")
    return found


def _endpoints_touch_their_boxes(picture: Picture, arrow: Arrow) -> bool:
    """The arrow starts on its source's bottom edge and ends on its target's
    top edge (several stacks of a fleet can hold a box of the same title)."""
    boxes = picture.panels if arrow.between_stacks else picture.nodes
    (sx, sy), (tx, ty) = arrow.points[0], arrow.points[-1]
    leaves = any(b.title == arrow.source and sy == pytest.approx(b.bottom)
                 and b.x <= sx <= b.right for b in boxes)
    enters = any(b.title == arrow.target and ty == pytest.approx(b.y)
                 and b.x <= tx <= b.right for b in boxes)
    return leaves and enters


def test_the_crossing_check_sees_a_segment_through_a_box_and_not_one_along_it() -> None:
    box = Box(1.0, 1.0, 2.0, 1.0, "b", (), "helm")
    assert _crosses((0.0, 1.5), (4.0, 1.5), box)          # straight through
    assert _crosses((2.0, 0.0), (2.0, 1.2), box)          # into it
    assert not _crosses((0.0, 1.0), (4.0, 1.0), box)      # along its top edge
    assert not _crosses((2.0, 2.0), (2.0, 3.0), box)      # leaving from its bottom edge
    assert not _crosses((3.5, 0.0), (3.5, 3.0), box)      # beside it


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
    text = " ".join(picture.caption)
    assert "4 sequential Helm stages, worst case 270 s (4.5 min)" in text
    assert "along base → cni → istiod → gw-b." in text


def test_arrows_follow_edges_and_the_critical_ones_are_marked() -> None:
    picture = _picture()
    inside = {(a.source, a.target): a for a in picture.arrows if not a.between_stacks}
    assert sorted(inside) == sorted([("base", "cni"), ("base", "istiod"), ("cni", "istiod"),
                                     ("istiod", "gw-a"), ("istiod", "gw-b"), ("shop", "mtls")])
    assert sorted(k for k, a in inside.items() if a.critical) == [
        ("base", "cni"), ("cni", "istiod"), ("istiod", "gw-b")]
    between = [a for a in picture.arrows if a.between_stacks]
    assert [(a.source, a.target, a.critical) for a in between] == [("x-mesh", "x-policies", False)]


def test_an_arrow_that_skips_a_row_goes_around_the_box_between() -> None:
    picture = _picture()
    skip = next(a for a in picture.arrows if (a.source, a.target) == ("base", "istiod"))
    cni = picture.node("cni")
    # base, cni and istiod share a column: the arrow leaves it to pass cni.
    assert any(not (cni.x <= x <= cni.x + cni.width) for x, _ in skip.points)
    assert _crossings(picture) == []


@pytest.mark.parametrize("graph", [_graph(), _wide_graph()], ids=["small", "wrapped"])
def test_no_arrow_crosses_a_box_and_every_arrow_touches_its_ends(graph: DeployGraph) -> None:
    picture = layout(graph, "g")
    assert _crossings(picture) == []
    assert all(_endpoints_touch_their_boxes(picture, a) for a in picture.arrows)


def test_a_step_wider_than_the_picture_wraps_onto_more_rows() -> None:
    picture = layout(_wide_graph(), "w")
    rows = sorted({n.y for n in picture.nodes if n.title.startswith("namespace-number-")})
    assert len(rows) > 1
    join = picture.node("joins-first-and-last")
    assert join.y > max(rows)
    assert picture.width * PNG_DPI <= README_WIDTH_PX


def test_shipped_pictures_fit_the_readme_and_no_arrow_crosses_a_box(synth: Synth) -> None:
    graph = load_graph(synth.outdir)
    meshes = sorted(s.name for s in graph.stacks if s.name.endswith("-mesh"))
    assert "prod-mesh" in meshes and "east-mesh" in meshes
    for mesh in meshes:
        picture = layout(graph.component(mesh), mesh)
        assert picture.width * PNG_DPI <= README_WIDTH_PX, mesh
        assert _crossings(picture) == [], mesh
        assert all(_endpoints_touch_their_boxes(picture, a) for a in picture.arrows), mesh


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


def test_the_picture_tool_is_not_in_the_library() -> None:
    assert not (REPO / "constructs" / "istio_mesh" / "deploy_picture.py").exists()


def test_every_committed_picture_is_what_make_graph_draws_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """``make graph`` on a clean checkout changes no tracked file: each shipped
    config file's picture, drawn again, equals the committed one byte for byte."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("MESH_CONFIG", ",".join(str(p.relative_to(REPO)) for p in SHIPPED_FILES))
    assert deploy_picture_main(["--out", str(tmp_path)]) == 0
    capsys.readouterr()
    drawn = sorted(p.name for p in tmp_path.iterdir() if p.name != ".istio-mesh-output")
    assert drawn == sorted(f"{p.stem}.{kind}" for p in SHIPPED_FILES for kind in ("png", "svg"))
    committed = REPO / "docs" / "graph"
    stale = [name for name in drawn
             if not (committed / name).is_file() or not filecmp.cmp(tmp_path / name, committed / name, shallow=False)]
    assert stale == [], "stale pictures: run `make graph` and commit docs/graph/"


README_CHAINS = {
    # The README's stack table, as release names: the non-ambient chain up to
    # istiod (revision tags and gateways follow), and the ambient chain.
    "prod-mesh": ("`base` (CRDs) → `cni` → `istiod`", ["istio-base", "istio-cni", "istiod"]),
    "ambient-mesh": ("ambient: `base` → Gateway API CRDs → `istiod` → `cni` → `ztunnel`",
                     ["istio-base", "gateway-api-crds", "istiod", "istio-cni", "ztunnel"]),
}


@pytest.mark.parametrize("stack", sorted(README_CHAINS))
def test_the_readmes_release_order_is_the_deploy_order(synth: Synth, stack: str) -> None:
    text, releases = README_CHAINS[stack]
    assert text in (REPO / "README.md").read_text()
    graph = load_graph(synth.outdir).component(stack)
    mesh = next(s for s in graph.stacks if s.name == stack)
    step = {r.name: i for i, layer in enumerate(mesh.layers()) for r in layer if r.is_helm_release}
    assert [step[name] for name in releases] == sorted({step[name] for name in releases}), step
    assert len(set(step[name] for name in releases)) == len(releases)

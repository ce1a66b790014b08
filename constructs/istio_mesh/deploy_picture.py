"""``make graph``: each config's deploy order as an SVG and a PNG picture.

Boxes and arrows are placed by pure functions of a
:class:`~istio_mesh.deploy_graph.DeployGraph` (tested without jsii or
matplotlib); matplotlib only draws them. matplotlib is a development
dependency (the ``graph`` extra), imported when a picture is drawn, so the
library never pays for it. It is chosen over Graphviz because it installs
from PyPI with its own font, which also makes the output the same on every
machine: text is drawn as paths and the SVG ids are salted with a constant.

Run ``pipenv run python -m istio_mesh.deploy_picture [--out docs/graph]``;
``MESH_CONFIG`` selects configs as it does for ``main.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from istio_mesh.deploy_graph import (
    HELM_RELEASE,
    CriticalPath,
    DeployGraph,
    Resource,
    Stack,
    critical_path,
    describe,
    helm_timeout,
)

# Sizes in inches: the figure is drawn 1:1.
NODE_HEIGHT = 0.78
NODE_GAP_X = 0.3
NODE_GAP_Y = 0.5
MIN_NODE_WIDTH = 2.2
CHAR_WIDTH = 0.072  # of the 8.5 pt bold title font, generously
CAPTION_CHAR_WIDTH = 0.066  # of the 8.5 pt caption font
PANEL_PAD = 0.25
PANEL_TITLE = 0.42
PANEL_GAP_X = 0.5
PANEL_GAP_Y = 0.62
MARGIN = 0.3
HEADER = 0.55
FOOTER = 0.85

COLOURS = {
    "helm": ("#dbe9fb", "#2b6cb0"),
    "istio": ("#dcf3e4", "#2f855a"),
    "namespace": ("#fdebd3", "#c05621"),
    "other": ("#ececec", "#4a5568"),
    "stack": ("#f7f7f9", "#718096"),
}
CRITICAL = "#c53030"
PNG_DPI = 110


@dataclass(frozen=True)
class Box:
    """A rectangle with text, top-left origin, y growing downwards."""

    x: float
    y: float
    width: float
    height: float
    title: str
    lines: tuple[str, ...]
    kind: str
    critical: bool = False

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Arrow:
    """From one box to another. ``around`` arrows jump over layers in between:
    they leave and enter at the right-hand side and are drawn as a bracket
    around what they skip; the others go from bottom to top."""

    x1: float
    y1: float
    x2: float
    y2: float
    between_stacks: bool
    critical: bool
    around: bool = False


@dataclass(frozen=True)
class Picture:
    width: float
    height: float
    title: str
    caption: tuple[str, ...]
    panels: tuple[Box, ...]
    nodes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]

    def node(self, title: str) -> Box:
        for box in self.nodes:
            if box.title == title:
                return box
        raise KeyError(title)

    def panel(self, title: str) -> Box:
        for box in self.panels:
            if box.title == title:
                return box
        raise KeyError(title)


def kind_of(resource: Resource) -> str:
    """Colour group: Helm releases, Istio resources, namespace onboarding, the rest."""
    if resource.is_helm_release:
        return "helm"
    if resource.type == "kubernetes_manifest":
        return "istio"
    if "namespace" in resource.type or resource.type == "kubernetes_labels":
        return "namespace"
    return "other"


def node_lines(resource: Resource) -> tuple[str, ...]:
    if resource.type == HELM_RELEASE:
        chart = f"chart {resource.chart} · " if resource.chart else ""
        return (HELM_RELEASE, f"{chart}timeout {helm_timeout(resource)} s")
    return (resource.type,)


def _node_width(graph: DeployGraph) -> float:
    longest = max(
        (len(t) for s in graph.stacks for r in s.resources for t in (r.name, *node_lines(r))),
        default=0,
    )
    return max(MIN_NODE_WIDTH, longest * CHAR_WIDTH + 0.3)


def _panel_size(stack: Stack, node_width: float) -> tuple[float, float]:
    """Width and height of a stack's panel: its widest layer, or its title."""
    layers = stack.layers() or [[]]
    widest = max(max(len(layer), 1) for layer in layers)
    width = widest * node_width + (widest - 1) * NODE_GAP_X + 2 * PANEL_PAD
    height = PANEL_TITLE + len(layers) * NODE_HEIGHT + (len(layers) - 1) * NODE_GAP_Y + PANEL_PAD
    title_width = (len(stack.name) + 40) * CHAR_WIDTH * 1.2 + 2 * PANEL_PAD
    return max(width, title_width), height


def layout(graph: DeployGraph, title: str) -> Picture:
    """Stacks top to bottom in the order ``cdktf deploy`` applies them, each
    stack's resources in layers that start together; parallel stacks and
    parallel resources side by side. The critical path is marked."""
    path = critical_path(graph)
    on_path = {(r.stack, r.address) for r in path.path}
    steps = {(a.address, b.address) for a, b in zip(path.path, path.path[1:]) if a.stack == b.stack}
    node_width = _node_width(graph)
    stack_layers = graph.stack_layers()

    sizes = {stack.name: _panel_size(stack, node_width) for stack in graph.stacks}
    row_widths = [
        sum(sizes[s.name][0] for s in row) + (len(row) - 1) * PANEL_GAP_X for row in stack_layers
    ]
    lines = caption(path)
    content_width = max(row_widths, default=node_width)
    width = max(content_width, max(len(line) for line in lines) * CAPTION_CHAR_WIDTH) + 2 * MARGIN

    panels: list[Box] = []
    nodes: list[Box] = []
    arrows: list[Arrow] = []
    panel_of: dict[str, Box] = {}
    y = MARGIN + HEADER
    for row, row_width in zip(stack_layers, row_widths):
        x = (width - row_width) / 2
        row_height = max(sizes[s.name][1] for s in row)
        for stack in row:
            panel_width, panel_height = sizes[stack.name]
            panel = Box(
                x, y, panel_width, panel_height, stack.name,
                (f"depends on {', '.join(stack.dependencies)}",) if stack.dependencies else (),
                "stack",
            )
            panels.append(panel)
            panel_of[stack.name] = panel
            placed = _place_nodes(stack, panel, node_width, on_path)
            nodes.extend(placed.values())
            arrows.extend(_node_arrows(stack, placed, steps))
            x += panel_width + PANEL_GAP_X
        y += row_height + PANEL_GAP_Y
    arrows.extend(_stack_arrows(graph, panel_of, path))
    height = y - PANEL_GAP_Y + FOOTER + MARGIN
    return Picture(
        width=round(width, 4),
        height=round(height, 4),
        title=f"{title}: deploy order",
        caption=lines,
        panels=tuple(panels),
        nodes=tuple(nodes),
        arrows=tuple(arrows),
    )


def caption(path: CriticalPath) -> tuple[str, ...]:
    """What the red path means, in numbers."""
    chain = " → ".join(r.name for r in path.releases) or "none"
    minutes = path.bound_seconds / 60
    return (
        f"Critical path (red): {path.helm_stages} sequential Helm stages, "
        f"worst case {path.bound_seconds} s ({minutes:g} min) = sum of Helm timeouts",
        f"along {chain}. Boxes side by side start together; an arrow means 'waits for'.",
        "Blue: Helm release · green: Istio resource (kubernetes_manifest) · "
        "orange: namespace onboarding · grey: other",
    )


def _place_nodes(
    stack: Stack, panel: Box, node_width: float, on_path: set[tuple[str, str]]
) -> dict[str, Box]:
    placed: dict[str, Box] = {}
    y = panel.y + PANEL_TITLE
    for layer in stack.layers():
        layer_width = len(layer) * node_width + (len(layer) - 1) * NODE_GAP_X
        x = panel.x + (panel.width - layer_width) / 2
        for resource in layer:
            placed[resource.address] = Box(
                round(x, 4), round(y, 4), round(node_width, 4), NODE_HEIGHT,
                resource.name, node_lines(resource), kind_of(resource),
                critical=(resource.stack, resource.address) in on_path,
            )
            x += node_width + NODE_GAP_X
        y += NODE_HEIGHT + NODE_GAP_Y
    return placed


def _node_arrows(stack: Stack, placed: dict[str, Box], steps: set[tuple[str, str]]) -> list[Arrow]:
    depth = {r.address: i for i, layer in enumerate(stack.layers()) for r in layer}
    arrows = []
    for up, down in stack.edges:
        a, b = placed[up], placed[down]
        critical = (up, down) in steps
        if depth[down] - depth[up] > 1:
            arrows.append(Arrow(
                a.x + a.width, a.y + a.height / 2, b.x + b.width, b.y + b.height / 2,
                between_stacks=False, critical=critical, around=True,
            ))
        else:
            arrows.append(Arrow(
                a.centre_x, a.bottom, b.centre_x, b.y, between_stacks=False, critical=critical
            ))
    return arrows


def _stack_arrows(graph: DeployGraph, panel_of: dict[str, Box], path: CriticalPath) -> list[Arrow]:
    path_stacks = [r.stack for r in path.path]
    steps = set(zip(path_stacks, path_stacks[1:]))
    arrows = []
    for stack in graph.stacks:
        for dependency in stack.dependencies:
            if dependency not in panel_of:
                continue
            a, b = panel_of[dependency], panel_of[stack.name]
            arrows.append(
                Arrow(
                    a.centre_x, a.bottom, b.centre_x, b.y,
                    between_stacks=True,
                    critical=(dependency, stack.name) in steps,
                )
            )
    return arrows


def draw(picture: Picture, svg: Path, png: Path) -> None:
    """Write the picture as SVG and PNG, byte-identical for the same picture."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    matplotlib.rcParams.update(
        {"svg.hashsalt": "istio-mesh", "svg.fonttype": "path", "font.family": "DejaVu Sans"}
    )
    figure = pyplot.figure(figsize=(picture.width, picture.height))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_xlim(0, picture.width)
    axes.set_ylim(picture.height, 0)
    axes.set_axis_off()

    axes.text(MARGIN, MARGIN + 0.2, picture.title, fontsize=14, fontweight="bold", va="center")
    for box in picture.panels:
        fill, edge = COLOURS["stack"]
        axes.add_patch(FancyBboxPatch(
            (box.x, box.y), box.width, box.height, boxstyle="round,pad=0,rounding_size=0.12",
            facecolor=fill, edgecolor=edge, linewidth=1.2, linestyle="--",
        ))
        label = box.title + (f"   ({box.lines[0]})" if box.lines else "")
        axes.text(box.x + PANEL_PAD, box.y + PANEL_TITLE / 2, label, fontsize=10,
                  fontweight="bold", va="center", color="#2d3748")
    for arrow in picture.arrows:
        colour = CRITICAL if arrow.critical else ("#4a5568" if arrow.between_stacks else "#718096")
        style = "arc,angleA=0,angleB=0,armA=26,armB=26,rad=8" if arrow.around else "arc3"
        axes.add_patch(FancyArrowPatch(
            (arrow.x1, arrow.y1), (arrow.x2, arrow.y2), arrowstyle="-|>", mutation_scale=14,
            connectionstyle=style, color=colour,
            linewidth=3.0 if arrow.between_stacks else 1.4, zorder=1,
        ))
    for box in picture.nodes:
        fill, edge = COLOURS[box.kind]
        axes.add_patch(FancyBboxPatch(
            (box.x, box.y), box.width, box.height, boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=fill, edgecolor=CRITICAL if box.critical else edge,
            linewidth=2.2 if box.critical else 1.0, zorder=2,
        ))
        axes.text(box.centre_x, box.y + 0.24, box.title, fontsize=8.5, fontweight="bold",
                  ha="center", va="center", zorder=3)
        for i, line in enumerate(box.lines):
            axes.text(box.centre_x, box.y + 0.47 + 0.19 * i, line, fontsize=7, ha="center",
                      va="center", color="#4a5568", zorder=3)
    for i, line in enumerate(picture.caption):
        axes.text(MARGIN, picture.height - MARGIN - FOOTER + 0.25 + 0.24 * i, line, fontsize=8.5,
                  va="center", color="#2d3748")
    svg.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    figure.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    pyplot.close(figure)


def main(argv: Sequence[str] | None = None) -> int:
    """Synthesize each selected config on its own and draw its deploy graph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/graph"))
    args = parser.parse_args(argv)

    from istio_mesh.config.errors import ConfigError
    from istio_mesh.config.loader import CONFIG_SELECTOR_ENV, load_configs, select_config_paths

    try:
        configs = load_configs(select_config_paths(os.environ.get(CONFIG_SELECTOR_ENV)))
    except ConfigError as exc:
        print(f"error: invalid mesh config\n{exc}", file=sys.stderr)
        return 2
    from istio_mesh.app import build_app
    from istio_mesh.deploy_graph import load_graph

    with tempfile.TemporaryDirectory(prefix="istio-mesh-graph-") as scratch:
        for name in sorted(configs):
            outdir = Path(scratch) / name
            build_app({name: configs[name]}, outdir=outdir).synth()
            graph = load_graph(outdir)
            draw(layout(graph, name), args.out / f"{name}.svg", args.out / f"{name}.png")
            print("\n".join([f"{name}: {args.out / name}.svg, .png", *describe(graph)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``make graph``: each config file's deploy order as an SVG and a PNG picture.

Development tooling, not part of the library: the wheel ships
``tools/deploy_graph.py`` (the order as data), and this script only
draws it for the docs. Boxes and arrows are placed by pure functions of a
:class:`deploy_graph.DeployGraph` (tested without jsii or
matplotlib); matplotlib only draws them. It is chosen over Graphviz because it
installs from PyPI with its own font, which also makes the output the same on
every machine: text is drawn as paths and the SVG ids are salted with a
constant.

The picture is read top-down and fits 900 px: stacks one under the other in
deploy order, each stack's resources in rows by the step Terraform can start
them, a step with more resources than fit side by side wrapped onto further
rows. Arrows run only through the gaps between rows and the gutters between
columns, so no arrow crosses a box it does not start or end at.

Run ``.venv/bin/python tools/deploy_picture.py [--out docs/graph]``;
``MESH_CONFIG`` selects config files as it does for ``main.py``; a fleet file
is drawn as one picture of all its clusters. The output folder is the
tool's own (:mod:`istio_mesh.runtime.owned_output`): it is replaced whole, keeping
the pictures of configs not selected this time, and a folder the tool did
not write is refused (exit 2).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from deploy_graph import (
    HELM_RELEASE,
    CriticalPath,
    DeployGraph,
    Resource,
    Stack,
    critical_path,
    describe,
    helm_timeout,
)
from istio_mesh.runtime.owned_output import MARKER, OutputRefused, Writer, replacing, vet, written_by

COMMAND = "python tools/deploy_picture.py"
"""How the tool is run; its output folder's marker names it."""

# Sizes in inches: the figure is drawn 1:1, PNG_DPI pixels an inch.
PNG_DPI = 100
MAX_WIDTH = 9.0  # 900 px: readable where a README is shown
NODE_HEIGHT = 0.78  # a one-line title and two lines below it
TITLE_LINE = 0.17  # each further line of a wrapped title
TITLE_CHARS = 26  # a longer resource name wraps, at '_' or '-' where it can
MAX_TITLE_LINES = 3
NODE_GAP_X = 0.45  # a column gutter: room for arrows that skip rows
MIN_ROW_GAP = 0.5
LANE_SPACING = 0.11  # between arrows sharing a row gap
MIN_NODE_WIDTH = 2.1
CHAR_WIDTH = 0.072  # of the 8.5 pt bold title font, generously
SMALL_CHAR_WIDTH = 0.06  # of the 7 pt font below the title
CAPTION_CHAR_WIDTH = 0.075  # of the 8.5 pt caption font
PANEL_PAD = 0.4
PANEL_TITLE = 0.42
PANEL_TITLE_CHAR_WIDTH = 0.085  # of the 10 pt bold panel title font
PANEL_GAP = 0.62
SIDE_LANE = 0.2  # left of the panels: arrows between stacks that are not adjacent
MARGIN = 0.25
HEADER = 0.55
CAPTION_LINE = 0.24

CONTENT_WIDTH = MAX_WIDTH - 2 * MARGIN - SIDE_LANE
MAX_NODE_WIDTH = CONTENT_WIDTH - 2 * PANEL_PAD

COLOURS = {
    "helm": ("#dbe9fb", "#2b6cb0"),
    "istio": ("#dcf3e4", "#2f855a"),
    "namespace": ("#fdebd3", "#c05621"),
    "other": ("#ececec", "#4a5568"),
    "stack": ("#f7f7f9", "#718096"),
}
CRITICAL = "#c53030"

Point = tuple[float, float]


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
    address: str = ""
    title_lines: tuple[str, ...] = ()

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Arrow:
    """A polyline from the bottom of ``source`` to the top of ``target`` (box
    titles), drawn with its head at the last point."""

    points: tuple[Point, ...]
    source: str
    target: str
    between_stacks: bool
    critical: bool

    def segments(self) -> list[tuple[Point, Point]]:
        return list(zip(self.points, self.points[1:]))


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


def node_width(graph: DeployGraph) -> float:
    """Wide enough for the text below the title and a title line, never
    wider than one column can be: long names wrap instead."""
    resources = [r for s in graph.stacks for r in s.resources]
    title = max((min(len(r.name), TITLE_CHARS) * CHAR_WIDTH for r in resources), default=0.0)
    below = max((len(t) * SMALL_CHAR_WIDTH for r in resources for t in node_lines(r)), default=0.0)
    return round(min(MAX_NODE_WIDTH, max(MIN_NODE_WIDTH, title + 0.3, below + 0.3)), 4)


def title_lines(name: str, width: float) -> tuple[str, ...]:
    """A resource name in lines that fit the box, broken after '_' or '-'
    where possible; past MAX_TITLE_LINES the last line ends in an ellipsis."""
    room = max(4, int((width - 0.3) / CHAR_WIDTH))
    lines: list[str] = []
    for piece in re.split(r"(?<=[_-])", name):
        while len(piece) > room:  # a piece longer than a line is cut anywhere
            head = room - len(lines[-1]) if lines and len(lines[-1]) < room else room
            if lines and len(lines[-1]) < room:
                lines[-1] += piece[:head]
            else:
                lines.append(piece[:head])
            piece = piece[head:]
        if lines and len(lines[-1]) + len(piece) <= room:
            lines[-1] += piece
        elif piece:
            lines.append(piece)
    if len(lines) > MAX_TITLE_LINES:
        lines = lines[:MAX_TITLE_LINES]
        lines[-1] = lines[-1][: room - 1] + "…"
    return tuple(lines) or ("",)


def node_height(graph: DeployGraph, width: float) -> float:
    """One height for every box, so rows line up: room for the longest title."""
    most = max((len(title_lines(r.name, width)) for s in graph.stacks for r in s.resources),
               default=1)
    return round(NODE_HEIGHT + TITLE_LINE * (most - 1), 4)


def columns_that_fit(width: float) -> int:
    return max(1, math.floor((MAX_NODE_WIDTH + NODE_GAP_X) / (width + NODE_GAP_X)))


def stack_columns(stack: Stack, columns: int) -> int:
    """The stack's grid: as many columns as its widest step, at most ``columns``."""
    return max(1, min(columns, max((len(layer) for layer in stack.layers()), default=1)))


def grid_rows(stack: Stack, columns: int) -> list[list[Resource]]:
    """Each step's resources in rows of at most ``columns``."""
    rows: list[list[Resource]] = []
    for layer in stack.layers():
        rows.extend(layer[i : i + columns] for i in range(0, len(layer), columns))
    return rows


@dataclass(frozen=True)
class _Route:
    """An edge as grid positions: rows and columns, before any coordinate."""

    up: str
    down: str
    source: tuple[int, int]
    target: tuple[int, int]
    gutter: int | None  # None: the rows are adjacent, no gutter needed


def _cells(rows: list[list[Resource]], columns: int) -> dict[str, tuple[int, int]]:
    """Each resource's (row, column); a short row is centred on the grid."""
    cells = {}
    for r, row in enumerate(rows):
        start = (columns - len(row)) // 2
        for c, resource in enumerate(row):
            cells[resource.address] = (r, start + c)
    return cells


def _routes(stack: Stack, cells: dict[str, tuple[int, int]], columns: int) -> list[_Route]:
    routes = []
    for up, down in stack.edges:
        source, target = cells[up], cells[down]
        gutter = None
        if target[0] - source[0] > 1:
            # Gutter j lies left of column j; take the one nearest both ends.
            gutter = min(
                range(columns + 1),
                key=lambda j: (abs(j - 0.5 - source[1]) + abs(j - 0.5 - target[1]),
                               abs(j - 0.5 - source[1]), j),
            )
        routes.append(_Route(up, down, source, target, gutter))
    return routes


def _lanes(routes: list[_Route], row_count: int) -> dict[int, list[tuple[str, str]]]:
    """Who needs a horizontal lane in the gap below each row: each source
    leaving it, and each target entered from a gutter."""
    lanes: dict[int, list[tuple[str, str]]] = {r: [] for r in range(row_count)}
    for route in routes:
        out = ("out", route.up)
        if out not in lanes[route.source[0]]:
            lanes[route.source[0]].append(out)
        if route.gutter is not None:
            into = ("in", route.down)
            if into not in lanes[route.target[0] - 1]:
                lanes[route.target[0] - 1].append(into)
    return lanes


def _gap_height(lane_count: int) -> float:
    return max(MIN_ROW_GAP, LANE_SPACING * (lane_count + 1))


def _panel_size(stack: Stack, width: float, height: float, columns: int) -> tuple[float, float]:
    columns = stack_columns(stack, columns)
    rows = grid_rows(stack, columns)
    cells = _cells(rows, columns)
    lanes = _lanes(_routes(stack, cells, columns), len(rows))
    grid_width = columns * width + (columns - 1) * NODE_GAP_X
    title = _panel_label(stack)
    panel_width = max(grid_width + 2 * PANEL_PAD, len(title) * PANEL_TITLE_CHAR_WIDTH + 2 * PANEL_PAD)
    gaps = sum(_gap_height(len(lanes[r])) for r in range(len(rows) - 1))
    return min(panel_width, CONTENT_WIDTH), PANEL_TITLE + len(rows) * height + gaps + PANEL_PAD


def _panel_label(stack: Stack) -> str:
    suffix = f"   (depends on {', '.join(stack.dependencies)})" if stack.dependencies else ""
    return stack.name + suffix


def layout(graph: DeployGraph, title: str) -> Picture:
    """Stacks top to bottom in the order ``cdktf deploy`` applies them, each
    stack's resources in rows by the step they start at. The critical path is
    marked."""
    path = critical_path(graph)
    on_path = {(r.stack, r.address) for r in path.path}
    steps = {(a.address, b.address) for a, b in zip(path.path, path.path[1:]) if a.stack == b.stack}
    width = node_width(graph)
    box_height = node_height(graph, width)
    columns = columns_that_fit(width)
    order = [stack for row in graph.stack_layers() for stack in row]
    sizes = {stack.name: _panel_size(stack, width, box_height, columns) for stack in order}
    content = max((w for w, _ in sizes.values()), default=width)
    lines = caption(path)
    picture_width = content + 2 * MARGIN + SIDE_LANE
    left = MARGIN + SIDE_LANE

    panels: list[Box] = []
    nodes: list[Box] = []
    arrows: list[Arrow] = []
    panel_of: dict[str, Box] = {}
    y = MARGIN + HEADER
    for stack in order:
        panel_width, panel_height = sizes[stack.name]
        panel = Box(
            round(left + (content - panel_width) / 2, 4), round(y, 4),
            round(panel_width, 4), round(panel_height, 4), stack.name,
            (f"depends on {', '.join(stack.dependencies)}",) if stack.dependencies else (),
            "stack",
        )
        panels.append(panel)
        panel_of[stack.name] = panel
        placed, stack_arrows = _place_stack(
            stack, panel, (width, box_height), columns, on_path, steps)
        nodes.extend(placed)
        arrows.extend(stack_arrows)
        y += panel_height + PANEL_GAP
    arrows.extend(_stack_arrows(graph, order, panel_of, path))
    footer = len(lines) * CAPTION_LINE + 0.3
    height = y - PANEL_GAP + footer + MARGIN
    return Picture(
        width=round(picture_width, 4),
        height=round(height, 4),
        title=f"{title}: deploy order",
        caption=lines,
        panels=tuple(panels),
        nodes=tuple(nodes),
        arrows=tuple(arrows),
    )


def caption(path: CriticalPath, width: float = MAX_WIDTH) -> tuple[str, ...]:
    """What the red path means, in numbers, wrapped to the picture's width."""
    chain = " → ".join(r.name for r in path.releases) or "none"
    minutes = path.bound_seconds / 60
    sentences = (
        f"Critical path (red): {path.helm_stages} sequential Helm stages, "
        f"worst case {path.bound_seconds} s ({minutes:g} min), the sum of the Helm "
        f"timeouts along {chain}.",
        "Boxes in one row start together; an arrow means 'waits for'.",
        "Blue: Helm release · green: Istio resource · orange: namespace onboarding · grey: other",
    )
    room = int((width - 2 * MARGIN) / CAPTION_CHAR_WIDTH)
    return tuple(line for sentence in sentences for line in textwrap.wrap(sentence, room))


def _place_stack(
    stack: Stack, panel: Box, size: tuple[float, float], columns: int,
    on_path: set[tuple[str, str]], steps: set[tuple[str, str]],
) -> tuple[list[Box], list[Arrow]]:
    width, height = size
    columns = stack_columns(stack, columns)
    rows = grid_rows(stack, columns)
    cells = _cells(rows, columns)
    routes = _routes(stack, cells, columns)
    lanes = _lanes(routes, len(rows))
    grid_width = columns * width + (columns - 1) * NODE_GAP_X
    x0 = panel.x + (panel.width - grid_width) / 2

    def column_x(c: int) -> float:
        return x0 + c * (width + NODE_GAP_X)

    row_y: list[float] = []
    y = panel.y + PANEL_TITLE
    for r in range(len(rows)):
        row_y.append(y)
        y += height + (_gap_height(len(lanes[r])) if r < len(rows) - 1 else 0)

    boxes: dict[str, Box] = {}
    for resource in (r for row in rows for r in row):
        r, c = cells[resource.address]
        boxes[resource.address] = Box(
            round(column_x(c), 4), round(row_y[r], 4), width, height,
            resource.name, node_lines(resource), kind_of(resource),
            critical=(resource.stack, resource.address) in on_path, address=resource.address,
            title_lines=title_lines(resource.name, width),
        )

    def lane_y(row: int, key: tuple[str, str]) -> float:
        """A lane in the gap below ``row``, one per key, evenly spread."""
        keys = lanes[row]
        gap_top = row_y[row] + height
        return round(gap_top + _gap_height(len(keys)) * (keys.index(key) + 1) / (len(keys) + 1), 4)

    gutter_users: dict[int, list[_Route]] = {}
    for route in routes:
        if route.gutter is not None:
            gutter_users.setdefault(route.gutter, []).append(route)

    def gutter_x(route: _Route) -> float:
        assert route.gutter is not None
        users = gutter_users[route.gutter]
        centre = column_x(route.gutter) - NODE_GAP_X / 2
        spread = NODE_GAP_X - 0.16
        offset = spread * ((users.index(route) + 1) / (len(users) + 1) - 0.5)
        return round(centre + offset, 4)

    arrows = []
    for route in routes:
        a, b = boxes[route.up], boxes[route.down]
        leave = lane_y(route.source[0], ("out", route.up))
        if route.gutter is None:
            points = [(a.centre_x, a.bottom), (a.centre_x, leave), (b.centre_x, leave),
                      (b.centre_x, b.y)]
        else:
            enter = lane_y(route.target[0] - 1, ("in", route.down))
            gx = gutter_x(route)
            points = [(a.centre_x, a.bottom), (a.centre_x, leave), (gx, leave), (gx, enter),
                      (b.centre_x, enter), (b.centre_x, b.y)]
        arrows.append(Arrow(
            _without_repeats(points), a.title, b.title, between_stacks=False,
            critical=(route.up, route.down) in steps,
        ))
    return list(boxes.values()), arrows


def _without_repeats(points: Sequence[Point]) -> tuple[Point, ...]:
    """The polyline without zero-length segments or straight-through corners."""
    kept: list[Point] = []
    for point in ((round(x, 4), round(y, 4)) for x, y in points):
        if kept and kept[-1] == point:
            continue
        if len(kept) >= 2 and _collinear(kept[-2], kept[-1], point):
            kept[-1] = point
            continue
        kept.append(point)
    return tuple(kept)


def _collinear(a: Point, b: Point, c: Point) -> bool:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) < 1e-9


def _stack_arrows(
    graph: DeployGraph, order: list[Stack], panel_of: dict[str, Box], path: CriticalPath
) -> list[Arrow]:
    """Panels are centred one under the other, so an arrow to the next panel
    runs straight down the gap; one that skips panels runs in the side lane."""
    path_stacks = [r.stack for r in path.path]
    steps = set(zip(path_stacks, path_stacks[1:]))
    position = {stack.name: i for i, stack in enumerate(order)}
    skipping = [(d, s.name) for s in graph.stacks for d in s.dependencies
                if d in panel_of and position[s.name] - position[d] > 1]
    arrows = []
    for stack in graph.stacks:
        for dependency in stack.dependencies:
            if dependency not in panel_of:
                continue
            a, b = panel_of[dependency], panel_of[stack.name]
            critical = (dependency, stack.name) in steps
            if (dependency, stack.name) not in skipping:
                x = round(b.centre_x, 4)
                points: tuple[Point, ...] = ((x, a.bottom), (x, b.y))
            else:
                i = skipping.index((dependency, stack.name))
                lane = round(MARGIN + SIDE_LANE * (i + 1) / (len(skipping) + 1), 4)
                out_y = round(a.bottom + PANEL_GAP * 0.5, 4)
                in_y = round(b.y - PANEL_GAP * 0.3, 4)
                x_a, x_b = round(a.x + 0.35, 4), round(b.x + 0.35, 4)
                points = ((x_a, a.bottom), (x_a, out_y), (lane, out_y), (lane, in_y),
                          (x_b, in_y), (x_b, b.y))
            arrows.append(Arrow(points, a.title, b.title, between_stacks=True, critical=critical))
    return arrows


def draw(picture: Picture, svg: Path, png: Path) -> None:
    """Write the picture as SVG and PNG, byte-identical for the same picture."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path as PolyLine

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
    # Red last, so the critical path is on top where arrows share a lane.
    for arrow in sorted(picture.arrows, key=lambda a: a.critical):
        colour = CRITICAL if arrow.critical else ("#4a5568" if arrow.between_stacks else "#718096")
        axes.add_patch(FancyArrowPatch(
            path=PolyLine(list(arrow.points)), arrowstyle="-|>", mutation_scale=12,
            color=colour, linewidth=3.0 if arrow.between_stacks else 1.3,
            joinstyle="round", capstyle="butt", zorder=3 if arrow.critical else 1,
        ))
    for box in picture.nodes:
        fill, edge = COLOURS[box.kind]
        axes.add_patch(FancyBboxPatch(
            (box.x, box.y), box.width, box.height, boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=fill, edgecolor=CRITICAL if box.critical else edge,
            linewidth=2.2 if box.critical else 1.0, zorder=2,
        ))
        for i, line in enumerate(box.title_lines):
            axes.text(box.centre_x, box.y + 0.24 + TITLE_LINE * i, line, fontsize=8.5,
                      fontweight="bold", ha="center", va="center", zorder=4)
        below = box.y + 0.47 + TITLE_LINE * (len(box.title_lines) - 1)
        for i, line in enumerate(box.lines):
            axes.text(box.centre_x, below + 0.19 * i, line, fontsize=7, ha="center",
                      va="center", color="#4a5568", zorder=4)
    top = picture.height - MARGIN - len(picture.caption) * CAPTION_LINE
    for i, line in enumerate(picture.caption):
        axes.text(MARGIN, top + CAPTION_LINE * (i + 0.5), line, fontsize=8.5,
                  va="center", color="#2d3748")
    svg.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    figure.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    pyplot.close(figure)


def main(argv: Sequence[str] | None = None) -> int:
    """Synthesize each selected config file on its own and draw its deploy graph."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    # A string, not a Path: Path("") would silently mean the working directory.
    parser.add_argument("--out", default="docs/graph")
    args = parser.parse_args(argv)

    from istio_mesh.cli import quiet_cdktf_deprecation
    from istio_mesh.config.errors import ConfigError
    from istio_mesh.config.loader import CONFIG_SELECTOR_ENV, load_configs, select_config_paths

    try:
        paths = select_config_paths(os.environ.get(CONFIG_SELECTOR_ENV))
        load_configs(paths)  # every problem of every file, before drawing anything
    except ConfigError as exc:
        print(f"error: invalid mesh config\n{exc}", file=sys.stderr)
        return 2
    writer = graph_writer(paths)
    try:
        vet(args.out, writer)  # before the synthesis, which takes a while
        with replacing(args.out, writer) as staging:
            _draw_all(paths, Path(args.out), staging)
    except OutputRefused as exc:
        print(f"error: output folder refused\n{exc}", file=sys.stderr)
        return 2
    return 0


def graph_writer(inputs: Sequence[Path] = ()) -> Writer:
    """This tool as the owner of its output folder."""
    return Writer(COMMAND, inputs=tuple(inputs))


def _draw_all(paths: Sequence[Path], out: Path, staging: Path) -> None:
    """Draw each config into ``staging``, after the pictures of ``out`` not
    drawn again (a selection redraws only its own)."""
    import shutil

    from istio_mesh.cli import quiet_cdktf_deprecation

    quiet_cdktf_deprecation()  # cdktf 0.21's one Node warning, as main.py does
    from istio_mesh.app import build_app
    from istio_mesh.config.loader import load_configs
    from deploy_graph import load_graph

    if out.is_dir() and written_by(out) == COMMAND:
        for old in sorted(out.iterdir()):
            if old.is_file() and not old.is_symlink() and old.name != MARKER:
                shutil.copy2(old, staging / old.name)
    with tempfile.TemporaryDirectory(prefix="istio-mesh-graph-") as scratch:
        for path in paths:
            name = path.stem
            outdir = Path(scratch) / name
            build_app(load_configs([path]), outdir=outdir).synth()
            graph = load_graph(outdir)
            draw(layout(graph, name), staging / f"{name}.svg", staging / f"{name}.png")
            print("\n".join([f"{name}: {out / name}.svg, .png", *describe(graph)]))


if __name__ == "__main__":
    sys.exit(main())

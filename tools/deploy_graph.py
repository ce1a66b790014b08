"""Deploy order, from the mesh plan or read back from synthesized stacks.

:func:`graph_from_plans` builds the graph straight from each cluster's plan
(:mod:`istio_mesh.plan`), with no synthesis and no jsii runtime: the order
the constructs render is the plan's, so this is what Terraform will do.
:func:`load_graph` reads the Terraform JSON and ``manifest.json`` of a
``cdktf.out`` instead, including what the stacks add around the plan
(upgrade guards, outputs); a test holds the two to the same edges.

Ordering inside a stack is Terraform's: explicit ``depends_on`` plus the
references in ``${...}`` expressions. Ordering between stacks is cdktf's:
a stack is applied once every stack it depends on has been applied.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from istio_mesh.config.backend import stack_name
from istio_mesh.plan import ClusterPlan
from istio_mesh.plan.items import HelmReleaseItem, Item

HELM_RELEASE = "helm_release"
# hashicorp/helm's default for a release without `timeout`.
HELM_DEFAULT_TIMEOUT_SECONDS = 300
DATA_PREFIX = "data."

# `${...}` but not `$${...}`, which is a literal dollar-brace in Terraform JSON.
_INTERPOLATION = re.compile(r"(?<!\$)\$\{([^}]*)\}")
# `type.name` or `data.type.name` inside an expression; attribute paths follow.
_REFERENCE = re.compile(r"(?<![\w.-])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)")


@dataclass(frozen=True, order=True)
class Resource:
    """One resource of a stack, with what ordering and the bound need from it."""

    stack: str
    address: str
    chart: str | None = None
    """A repository chart's name; ``None`` for a chart the stack ships as an
    asset (a folder path in the synthesized JSON, named by a content hash)."""
    timeout_seconds: int | None = None

    @property
    def type(self) -> str:
        return self.address.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.address.split(".", 1)[1]

    @property
    def is_helm_release(self) -> bool:
        return self.type == HELM_RELEASE


@dataclass(frozen=True)
class Stack:
    """A stack's resources and the order Terraform applies them in."""

    name: str
    dependencies: tuple[str, ...]
    resources: tuple[Resource, ...]
    # (upstream address, downstream address): downstream waits for upstream.
    edges: tuple[tuple[str, str], ...]

    def resource(self, address: str) -> Resource:
        for resource in self.resources:
            if resource.address == address:
                return resource
        raise KeyError(f"{self.name} has no resource {address}")

    def upstream(self, address: str) -> tuple[str, ...]:
        return tuple(up for up, down in self.edges if down == address)

    def layers(self) -> list[list[Resource]]:
        """Resources by the step they can start at: each layer waits only for
        earlier ones, and a layer's members run in parallel."""
        depth: dict[str, int] = {}
        for address in _topological(
            [r.address for r in self.resources], self.edges, f"stack {self.name}"
        ):
            ups = self.upstream(address)
            depth[address] = 1 + max((depth[u] for u in ups), default=-1)
        layers: list[list[Resource]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
        for resource in self.resources:
            layers[depth[resource.address]].append(resource)
        return layers


@dataclass(frozen=True)
class DeployGraph:
    """Every stack of one synthesis, in name order."""

    stacks: tuple[Stack, ...]

    def stack(self, name: str) -> Stack:
        for stack in self.stacks:
            if stack.name == name:
                return stack
        raise KeyError(f"no stack {name}")

    def stack_layers(self) -> list[list[Stack]]:
        """Stacks by the step ``cdktf deploy`` can apply them at."""
        names = [s.name for s in self.stacks]
        edges = [(dep, s.name) for s in self.stacks for dep in s.dependencies]
        depth: dict[str, int] = {}
        for name in _topological(names, edges, "stack dependencies"):
            deps = self.stack(name).dependencies
            depth[name] = 1 + max((depth[d] for d in deps), default=-1)
        layers: list[list[Stack]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
        for stack in self.stacks:
            layers[depth[stack.name]].append(stack)
        return layers

    def component(self, stack_name: str) -> DeployGraph:
        """The stacks linked to ``stack_name`` by dependencies either way: one
        cluster's stacks when an app holds several clusters."""
        linked = {stack_name}
        grew = True
        while grew:
            grew = False
            for stack in self.stacks:
                touching = stack.name in linked or linked & set(stack.dependencies)
                new = ({stack.name, *stack.dependencies} - linked) if touching else set()
                if new:
                    linked |= new
                    grew = True
        return DeployGraph(tuple(s for s in self.stacks if s.name in linked))


@dataclass(frozen=True)
class CriticalPath:
    """The longest chain of Helm releases a deploy waits through, across stacks.

    ``helm_stages`` counts releases that must run one after another;
    ``bound_seconds`` sums their timeouts along the slowest chain: how long
    ``cdktf deploy`` can wait on Helm in the worst case before it fails.
    Resources without a Helm timeout add nothing to the bound.
    """

    helm_stages: int
    bound_seconds: int
    path: tuple[Resource, ...]

    @property
    def releases(self) -> tuple[Resource, ...]:
        return tuple(r for r in self.path if r.is_helm_release)


# A chain's weight and its resources, upstream first.
_Chain = tuple[int, tuple[Resource, ...]]


def helm_timeout(resource: Resource) -> int:
    """A release's worst case; zero for anything that is not a release."""
    if not resource.is_helm_release:
        return 0
    if resource.timeout_seconds is None:
        return HELM_DEFAULT_TIMEOUT_SECONDS
    return resource.timeout_seconds


def critical_path(graph: DeployGraph) -> CriticalPath:
    """Stage count and worst-case bound of a deploy of every stack in ``graph``.

    The stage count is the longest chain counted in releases; the bound is
    the chain with the largest sum of timeouts (the same chain while every
    release has the same timeout), reported with its path.
    """
    stages, _ = longest_path(graph, lambda r: 1 if r.is_helm_release else 0)
    bound, path = longest_path(graph, helm_timeout)
    return CriticalPath(helm_stages=stages, bound_seconds=bound, path=path)


def longest_path(
    graph: DeployGraph, weight: Callable[[Resource], int]
) -> tuple[int, tuple[Resource, ...]]:
    """Heaviest chain through every stack, where a stack starts once each stack
    it depends on has finished. A chain only grows past a resource that adds
    weight; among equal chains the first found wins, and the visiting order
    (stack and address order) is fixed, so the answer is deterministic."""
    finished: dict[str, _Chain] = {}
    stack_names = [s.name for s in graph.stacks]
    stack_edges = [(dep, s.name) for s in graph.stacks for dep in s.dependencies]
    for stack_name in _topological(stack_names, stack_edges, "stack dependencies"):
        stack = graph.stack(stack_name)
        start: _Chain = _heaviest(finished[d] for d in stack.dependencies if d in finished)
        best: dict[str, _Chain] = {}
        addresses = [r.address for r in stack.resources]
        for address in _topological(addresses, stack.edges, f"stack {stack.name}"):
            resource = stack.resource(address)
            before = _heaviest([start, *(best[u] for u in stack.upstream(address))])
            best[address] = (before[0] + weight(resource), (*before[1], resource))
        finished[stack_name] = _heaviest([start, *best.values()])
    return _heaviest(finished.values())


def _heaviest(chains: Iterable[_Chain]) -> _Chain:
    chosen: _Chain = (0, ())
    for chain in chains:
        if chain[0] > chosen[0]:
            chosen = chain
    return chosen


def _topological(
    nodes: Sequence[str], edges: Iterable[tuple[str, str]], what: str
) -> list[str]:
    """Kahn's algorithm, always taking the first ready node in ``nodes`` order,
    so the result is deterministic."""
    known = set(nodes)
    pending = {n: 0 for n in nodes}
    downstream: dict[str, list[str]] = {n: [] for n in nodes}
    for up, down in edges:
        if up in known and down in known:
            pending[down] += 1
            downstream[up].append(down)
    order: list[str] = []
    ready = [n for n in nodes if pending[n] == 0]
    while ready:
        node = ready.pop(0)
        order.append(node)
        for down in downstream[node]:
            pending[down] -= 1
            if pending[down] == 0:
                ready.append(down)
        ready.sort(key=nodes.index)
    if len(order) != len(nodes):
        stuck = sorted(n for n in nodes if pending[n] > 0)
        raise ValueError(f"dependency cycle in {what}: {', '.join(stuck)}")
    return order


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key != "depends_on":
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def referenced_addresses(body: Mapping[str, Any]) -> set[str]:
    """Every ``type.name`` / ``data.type.name`` a block names: its
    ``depends_on`` and the references in its ``${...}`` expressions."""
    found = {str(d) for d in body.get("depends_on", [])}
    for text in _strings(body):
        for expression in _INTERPOLATION.findall(text):
            found.update(_REFERENCE.findall(expression))
    return found


def stack_from_json(
    name: str, document: Mapping[str, Any], dependencies: Sequence[str] = ()
) -> Stack:
    """A stack from its ``cdk.tf.json``. Data sources are read, not applied:
    an order that runs through one (resource -> data -> resource) is kept as
    a direct edge and the data source itself left out."""
    bodies: dict[str, Mapping[str, Any]] = {}
    for kind, prefix in (("resource", ""), ("data", DATA_PREFIX)):
        for rtype, named in document.get(kind, {}).items():
            for rname, body in named.items():
                bodies[f"{prefix}{rtype}.{rname}"] = body
    edges = {
        (up, address)
        for address, body in bodies.items()
        for up in referenced_addresses(body)
        if up in bodies and up != address
    }
    for data_address in sorted(a for a in bodies if a.startswith(DATA_PREFIX)):
        ups = {u for u, d in edges if d == data_address}
        downs = {d for u, d in edges if u == data_address}
        edges = {e for e in edges if data_address not in e} | {
            (u, d) for u in ups for d in downs if u != d
        }
    resources = tuple(
        sorted(
            _resource(name, address, body)
            for address, body in bodies.items()
            if not address.startswith(DATA_PREFIX)
        )
    )
    return Stack(
        name=name,
        dependencies=tuple(sorted(dependencies)),
        resources=resources,
        edges=tuple(sorted(edges)),
    )


def _resource(stack: str, address: str, body: Mapping[str, Any]) -> Resource:
    if not address.startswith(f"{HELM_RELEASE}."):
        return Resource(stack=stack, address=address)
    timeout = body.get("timeout")
    chart = body.get("chart")
    from_repository = isinstance(chart, str) and bool(body.get("repository"))
    return Resource(
        stack=stack,
        address=address,
        chart=chart if from_repository and isinstance(chart, str) else None,
        timeout_seconds=timeout if isinstance(timeout, int) else None,
    )


def graph_from_documents(
    documents: Mapping[str, Mapping[str, Any]], manifest: Mapping[str, Any]
) -> DeployGraph:
    """A graph from each stack's parsed ``cdk.tf.json`` and ``manifest.json``."""
    entries = manifest.get("stacks", {})
    return DeployGraph(
        tuple(
            stack_from_json(name, documents[name], entries.get(name, {}).get("dependencies", []))
            for name in sorted(documents)
        )
    )


def load_graph(outdir: Path | str) -> DeployGraph:
    """The deploy graph of a synthesized ``cdktf.out`` directory."""
    root = Path(outdir)
    manifest = json.loads((root / "manifest.json").read_text())
    documents = {
        name: json.loads((root / entry["synthesizedStackPath"]).read_text())
        for name, entry in manifest["stacks"].items()
    }
    return graph_from_documents(documents, manifest)


def describe(graph: DeployGraph) -> list[str]:
    """The deploy order as text: one line per step, parallel members joined by ``|``."""
    lines: list[str] = []
    for step, stacks in enumerate(graph.stack_layers(), start=1):
        for stack in stacks:
            lines.append(f"step {step}: {stack.name}")
            for layer in stack.layers():
                lines.append("  " + " | ".join(r.address for r in layer))
    return lines


def _plan_resource(stack: str, item: Item) -> Resource:
    if isinstance(item, HelmReleaseItem):
        chart = None if item.packaged else item.chart
        return Resource(stack, item.address, chart=chart, timeout_seconds=item.timeout_seconds)
    return Resource(stack, item.address)


def stack_from_items(name: str, items: Sequence[Item], dependencies: Sequence[str] = ()) -> Stack:
    """A stack of plan items: each item waits for the items its ``after`` names."""
    return Stack(
        name=name,
        dependencies=tuple(sorted(dependencies)),
        resources=tuple(sorted(_plan_resource(name, item) for item in items)),
        edges=tuple(sorted((up, item.address) for item in items for up in item.after)),
    )


def graph_from_plans(
    plans: Mapping[str, ClusterPlan], remote_primaries: Mapping[str, str] | None = None
) -> DeployGraph:
    """The deploy graph of ``<name>-mesh`` and ``<name>-policies`` for each
    cluster plan; the policies stack follows its mesh stack, and a remote
    cluster's mesh stack follows its primary's policies stack."""
    remotes = remote_primaries or {}
    stacks: list[Stack] = []
    for name, plan in plans.items():
        mesh, policies = stack_name(name, "mesh"), stack_name(name, "policies")
        upstream = [stack_name(remotes[name], "policies")] if name in remotes else []
        stacks.append(stack_from_items(mesh, plan.mesh.items, upstream))
        stacks.append(stack_from_items(policies, plan.policies.items, [mesh]))
    return DeployGraph(tuple(sorted(stacks, key=lambda stack: stack.name)))

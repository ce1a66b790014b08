"""``make bench``: what a synth costs against what it cannot avoid.

Every measurement is a fresh Python process (``bench_probe.py``) timed from
outside: the cost a user sees is dominated by loading the bindings and
starting jsii's node runtime, which only a new process pays. Rounds are
interleaved (one run of every case per round), so load from other programs
spreads over every case; each process exits without the interpreter's
teardown, as ``main.py`` does. Printed, in this order:

  * start-up: importing the three binding packages whole (``import cdktf,
    cdktf_cdktf_provider_helm, cdktf_cdktf_provider_kubernetes``, a plain
    cdktf program's start), and importing only the modules we use, as
    ``istio_mesh/runtime/terraform.py`` does;
  * prod written by hand (``handwritten_prod.py``: the floor a user could
    reach) and our synth of each shipped config (``main.py``);
  * a fleet of 1, 10 and 100 copies of prod in one app, with ratios; the
    100 again with the bindings' runtime type checks kept, and with those
    and jsii's relay process kept (each further cluster as it cost before
    issue 17), to show what each change saves per cluster;
  * where the time of the 100 goes (cProfile by origin; jsii requests per
    cluster, each a round trip to node);
  * peak memory of every case; each config's deploy critical path;
  * the targets of issue 17, met or not.

Results go to ``build/bench/results.json``; ``--record`` (``make bench
BENCH_RECORD=1``) writes ``benchmarks/results.json``, the figures the docs
quote, and ``--out DIR`` writes ``DIR/results.json``. The folder is the
benchmark's own (:mod:`istio_mesh.runtime.owned_output`): it is checked before any
measurement, replaced whole, and refused (exit 2) if it holds anything the
benchmark did not write. Run ``python tools/bench/bench_run.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from istio_mesh.runtime.owned_output import OutputRefused, Writer, replacing, vet

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
PROBE = HERE / "bench_probe.py"
REPO = HERE.parents[1]
TOOLCHAIN_PY = REPO / "constructs" / "istio_mesh" / "runtime" / "toolchain.py"
REPEAT_ENV = "ISTIO_MESH_BENCH_REPEAT"
DEFAULT_REPEAT = 3
FLEET_SIZES = (1, 10, 100)
FLEET_TEMPLATE = "prod"
CHECKS_ENV = "ISTIO_MESH_BINDING_TYPE_CHECKS"
DIRECT_ENV = "ISTIO_MESH_JSII_DIRECT"
# Issue 17's targets, against the whole-package import (best runs).
PROD_TARGET = 0.5
FLEET_TARGET = 1.5


def binding_packages() -> list[str]:
    """The CDK core and provider packages of the installed toolchain (cdktf or
    its fork cdktn), the ones a plain program imports whole; read from
    ``istio_mesh/runtime/toolchain.py`` (standard library only), as ``terraform.py``
    reads them (ISTIO_MESH_TOOLCHAIN, else the first installed)."""
    spec = importlib.util.spec_from_file_location("bench_toolchain", TOOLCHAIN_PY)
    assert spec is not None and spec.loader is not None
    toolchain = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(toolchain)
    return list(toolchain.TOOLCHAINS[toolchain.chosen_toolchain()])


@dataclass(frozen=True)
class Case:
    """One kind of process to measure."""

    key: str
    argv: tuple[str, ...]
    label: str
    env: tuple[tuple[str, str], ...] = ()

    @property
    def writes(self) -> bool:
        return self.argv[0] in ("synth", "handwritten")


@dataclass
class Sample:
    wall_seconds: float
    cpu_seconds: float
    in_process_seconds: float
    phases: dict[str, float]
    peak_mib: float
    python_mib: float
    node_mib: float | None
    profile: dict[str, Any] | None = None


@dataclass
class Measured:
    case: Case
    samples: list[Sample] = field(default_factory=list)
    outdir: Path | None = None

    def median(self, attribute: str) -> float:
        return statistics.median(float(getattr(s, attribute)) for s in self.samples)

    def minimum(self, attribute: str) -> float:
        return min(float(getattr(s, attribute)) for s in self.samples)

    def best_of(self, count: int) -> float:
        """Fastest wall time of the first ``count`` runs."""
        return min(s.wall_seconds for s in self.samples[:count])

    def phase(self, name: str) -> float:
        return statistics.median(s.phases.get(name, 0.0) for s in self.samples)

    def summary(self) -> dict[str, Any]:
        return {
            "wall_seconds": round(self.median("wall_seconds"), 3),
            "wall_min_seconds": round(self.minimum("wall_seconds"), 3),
            "in_process_seconds": round(self.median("in_process_seconds"), 3),
            "cpu_seconds": round(self.median("cpu_seconds"), 3),
            "peak_rss_mib": round(self.median("peak_mib"), 1),
            "python_rss_mib": round(self.median("python_mib"), 1),
            "node_rss_mib": round(self.median("node_mib"), 1)
            if all(s.node_mib is not None for s in self.samples) else None,
            "phases_seconds": {
                name: round(self.phase(name), 3) for name in self.samples[0].phases
            },
            "samples_wall_seconds": [round(s.wall_seconds, 3) for s in self.samples],
            "samples_cpu_seconds": [round(s.cpu_seconds, 3) for s in self.samples],
        }


def run_probe(case: Case, outdir: Path | None, profile: bool = False) -> Sample:
    """Start one measured process and read what it reports."""
    argv = [sys.executable, "-P", str(PROBE), *case.argv]
    if outdir is not None:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        argv.append(str(outdir))
    if profile:
        argv.append("--profile")
    env = dict(os.environ)
    env.pop(CHECKS_ENV, None)
    env.pop(DIRECT_ENV, None)
    env.update(dict(case.env))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # User + system time of the probe and of node, which the probe reaps on
    # exit: less sensitive than wall time to other programs on the machine.
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"{case.label} failed ({done.returncode}):\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    memory = report["memory"]
    node_kib = memory["children_kib"]
    return Sample(
        wall_seconds=wall,
        cpu_seconds=cpu,
        in_process_seconds=report["in_process_seconds"],
        phases=report["phases"],
        peak_mib=(memory["python_kib"] + (node_kib or 0)) / 1024,
        python_mib=memory["python_kib"] / 1024,
        node_mib=node_kib / 1024 if node_kib is not None else None,
        profile=report["profile"],
    )


def write_fleet(template: Path, count: int, folder: Path) -> str:
    """``count`` cluster configs in ``folder``: copies of ``template``, each with
    its own kube context. Returns a ``MESH_CONFIG`` selector for them."""
    import yaml

    document = yaml.safe_load(template.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        name = f"cluster-{i:03d}"
        connection = {**(document.get("connection") or {}), "context": name}
        text = yaml.safe_dump({**document, "connection": connection}, sort_keys=False)
        (folder / f"{name}.yaml").write_text(text)
    return str(folder / "cluster-*.yaml")


def cases(configs: Sequence[Path], fleet: Sequence[int], scratch: Path) -> list[Case]:
    template = REPO / "config" / f"{FLEET_TEMPLATE}.yaml"
    selectors = {n: write_fleet(template, n, scratch / "fleet-configs" / str(n)) for n in fleet}
    found = [
        Case("whole", ("whole", ",".join(binding_packages())), "whole packages"),
        Case("used", ("used",), "modules used"),
        Case("handwritten", ("handwritten",), "prod by hand"),
    ]
    found += [Case(f"config:{p.stem}", ("synth", str(p)), p.stem) for p in configs]
    found += [Case(f"fleet:{n}", ("synth", selectors[n]), f"{n} clusters") for n in fleet]
    if fleet:
        largest = max(fleet)
        found.append(Case(f"checks:{largest}", ("synth", selectors[largest]),
                          f"{largest} clusters, checks kept", ((CHECKS_ENV, "1"),)))
        found.append(Case(f"before:{largest}", ("synth", selectors[largest]),
                          f"{largest} clusters, checks + relay", ((CHECKS_ENV, "1"),
                                                                 (DIRECT_ENV, "0"))))
    return found


def machine() -> dict[str, Any]:
    """What the figures were taken on."""
    facts: dict[str, Any] = {
        "date": datetime.date.today().isoformat(),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    try:
        facts["cpu_model"] = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
        facts["memory_gib"] = round(mem_kib / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError, IndexError):
        pass
    try:
        facts["node"] = subprocess.run(
            ["node", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        facts["node"] = None
    from importlib.metadata import PackageNotFoundError, version

    for package in ("cdktf", "jsii", "cdktf-cdktf-provider-helm", "cdktf-cdktf-provider-kubernetes"):
        try:
            facts[package] = version(package)
        except PackageNotFoundError:
            facts[package] = None
    return facts


def warm_up(all_cases: list[Case], scratch: Path, log: Any) -> None:
    """One unmeasured run of our synth, which also writes the optimized
    bytecode the fast path loads the bindings from (as a first ``make
    synth`` would), even where ``PYTHONDONTWRITEBYTECODE`` is set."""
    print("warming up: one unmeasured synth; after an install it compiles the provider "
          "bindings' bytecode first (up to a minute) ...", file=log, flush=True)
    synth = next(c for c in all_cases if c.argv[0] == "synth")
    saved = os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        run_probe(synth, scratch / "warm-up")
    finally:
        if saved is not None:
            os.environ["PYTHONDONTWRITEBYTECODE"] = saved


def measure(all_cases: list[Case], repeat: int, scratch: Path, log: Any) -> dict[str, Measured]:
    """Interleaved rounds: one run of every case per round."""
    measured = {case.key: Measured(case) for case in all_cases}
    warm_up(all_cases, scratch, log)
    for round_number in range(1, repeat + 1):
        print(f"round {round_number}/{repeat}:", end="", file=log, flush=True)
        for case in all_cases:
            outdir = None
            if case.writes:
                outdir = scratch / case.key.replace(":", "-") / str(round_number)
            measured[case.key].samples.append(run_probe(case, outdir))
            measured[case.key].outdir = outdir
            print(f" {case.label}", end="", file=log, flush=True)
        print(file=log, flush=True)
    return measured


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} MiB"


def _size(key: str) -> int:
    return int(key.split(":", 1)[1])


def _verdict(value: float, target: float) -> str:
    return "met" if round(value, 6) <= target else "NOT met"


def _row(label: str, m: Measured, whole: Measured, width: int = 30) -> str:
    wall, wall_min = m.median("wall_seconds"), m.minimum("wall_seconds")
    return (
        f"  {label:<{width}}{wall:>7.2f} s ({wall_min:5.2f}){wall_min / whole.minimum('wall_seconds'):>9.2f}"
        f"{m.median('cpu_seconds'):>8.2f} s{m.median('cpu_seconds') / whole.median('cpu_seconds'):>7.2f}"
    )


def same_terraform(ours: Path, theirs: Path, stacks: Sequence[str]) -> bool:
    """Whether two outputs hold the same Terraform JSON for ``stacks``, apart
    from cdktf's ``//`` metadata (construct paths differ by design)."""
    from handwritten_prod import without_metadata

    def read(root: Path, stack: str) -> Any:
        return without_metadata(json.loads((root / "stacks" / stack / "cdk.tf.json").read_text()))

    return all(read(ours, s) == read(theirs, s) for s in stacks)


def report(
    measured: dict[str, Measured], profile: Sample | None, repeat: int, facts: dict[str, Any],
) -> tuple[list[str], dict[str, Any]]:
    """The printed lines and the JSON document, from the same numbers."""
    whole, used = measured["whole"], measured["used"]
    lines = [
        f"istio-mesh benchmark: {repeat} run(s) per case, interleaved, each a fresh process "
        "exiting without interpreter teardown; median (min)",
        f"machine: {facts.get('cpu_model', '?')}, {facts['cpus']} CPUs, "
        f"{facts.get('memory_gib', '?')} GiB, {facts['system']}; Python {facts['python']}, "
        f"node {facts['node']}, cdktf {facts['cdktf']}, jsii {facts['jsii']}; load average "
        f"{facts['load_average_before'][0]:.1f} before, {facts['load_average_after'][0]:.1f} after",
        "wall = process start to exit; CPU = user + system of python and node",
        "",
        f"  {'process':<30}{'wall':>17}{'x whole':>9}{'CPU':>10}{'x whole':>7}",
        _row(f"import {len(binding_packages())} packages whole", whole, whole),
        _row("import only the modules used", used, whole),
    ]
    document: dict[str, Any] = {
        "repeat": repeat, "machine": facts, "packages": binding_packages(),
        "whole_import": whole.summary(), "used_import": used.summary(),
    }
    hand = measured.get("handwritten")
    if hand is not None:
        lines.append(_row("prod by hand (the floor)", hand, whole))
        document["handwritten_prod"] = hand.summary()
    configs: dict[str, Any] = {}
    for key, m in measured.items():
        if key.startswith("config:"):
            name = key.split(":", 1)[1]
            lines.append(_row(f"main.py {name}", m, whole))
            configs[name] = {**m.summary(), "min_ratio_to_whole_import": round(
                m.minimum("wall_seconds") / whole.minimum("wall_seconds"), 3)}
    document["configs"] = configs
    prod = measured.get(f"config:{FLEET_TEMPLATE}")
    if hand is not None and prod is not None and hand.outdir and prod.outdir:
        same = same_terraform(prod.outdir, hand.outdir, [f"{FLEET_TEMPLATE}-mesh",
                                                         f"{FLEET_TEMPLATE}-policies"])
        gap = prod.minimum("wall_seconds") - hand.minimum("wall_seconds")
        lines.append(
            f"  prod by hand writes {'the same' if same else 'DIFFERENT'} Terraform JSON as "
            f"main.py (apart from // metadata); main.py costs {gap:+.2f} s over it (best runs)")
        document["handwritten_same_terraform"] = same
        document["prod_over_handwritten_seconds"] = round(gap, 3)
    lines += _fleet(measured, whole, document)
    sizes = [_size(k) for k in measured if k.startswith("fleet:")]
    if profile is not None and profile.profile and sizes:
        lines += _profile(profile.profile, max(sizes), document)
    lines += _memory(measured, document)
    lines += _deploy(measured, document)
    lines += _targets(measured, whole, document)
    return lines, document


def _fleet(measured: dict[str, Measured], whole: Measured, document: dict[str, Any]) -> list[str]:
    """N copies of prod in one app, against one; and what the checks cost."""
    keys = [k for k in measured if k.startswith("fleet:")]
    if not keys:
        return []
    base = measured[keys[0]]
    lines = [
        "",
        f"fleet: N copies of config/{FLEET_TEMPLATE}.yaml in one app (2 stacks each), main.py",
        f"  {'clusters':<28}{'wall':>17}{'x 1':>7}{'x whole':>9}{'CPU':>10}{'x 1':>7}",
    ]
    fleet: dict[str, Any] = {}
    variants = [k for k in measured if k.startswith(("checks:", "before:"))]
    rows = keys + variants
    for key in rows:
        m = measured[key]
        wall, wall_min, cpu = m.median("wall_seconds"), m.minimum("wall_seconds"), m.median("cpu_seconds")
        ratio = wall_min / base.minimum("wall_seconds")
        lines.append(
            f"  {m.case.label:<28}{wall:>7.2f} s ({wall_min:5.2f}){ratio:>7.2f}"
            f"{wall_min / whole.minimum('wall_seconds'):>9.2f}{cpu:>8.2f} s"
            f"{cpu / base.median('cpu_seconds'):>7.2f}")
        fleet[key] = {**m.summary(), "min_ratio_to_one": round(ratio, 3),
                      "min_ratio_to_whole_import": round(
                          wall_min / whole.minimum("wall_seconds"), 3)}
    document["fleet"] = fleet
    if len(keys) > 1:
        per: dict[str, dict[str, float]] = {}
        for key in [keys[-1], *variants]:
            m, extra = measured[key], _size(keys[-1]) - _size(keys[0])
            per[key] = {
                "wall_min": (m.minimum("wall_seconds") - base.minimum("wall_seconds")) / extra,
                "cpu": (m.median("cpu_seconds") - base.median("cpu_seconds")) / extra,
            }
        document["seconds_per_further_cluster"] = {
            k: {kind: round(v, 4) for kind, v in d.items()} for k, d in per.items()}
        for key, d in per.items():
            lines.append(
                f"  each further cluster ({measured[key].case.label}): "
                f"{d['wall_min'] * 1000:.0f} ms wall (best runs), {d['cpu'] * 1000:.0f} ms CPU")
        before = next((k for k in variants if k.startswith("before:")), None)
        if before is not None:
            ratios = {kind: per[keys[-1]][kind] / per[before][kind] for kind in ("wall_min", "cpu")}
            document["per_cluster_ratio_to_before"] = {k: round(v, 3) for k, v in ratios.items()}
            lines.append(
                f"  each further cluster now costs {ratios['wall_min']:.2f} of what it did before "
                f"(wall, best runs), {ratios['cpu']:.2f} (CPU) (target: about 0.5 or less)")
    return lines


def _profile(found: dict[str, Any], clusters: int, document: dict[str, Any]) -> list[str]:
    buckets: dict[str, float] = found["seconds_by_origin"]
    calls: dict[str, int] = found["jsii_calls"]
    total = sum(buckets.values())
    document["profile"] = {"seconds_by_origin": {k: round(v, 3) for k, v in buckets.items()},
                           "jsii_calls": calls}
    lines = ["", f"where main.py's time goes for {clusters} clusters (one extra run under "
                 f"cProfile, own time by origin, {total:.2f} s in all)"]
    for origin, seconds in buckets.items():
        lines.append(f"  {seconds / total:>6.1%}  {seconds:>6.2f} s  {origin}")
    sent = sum(calls.values())
    kinds = ", ".join(f"{k} {v / clusters:.0f}" for k, v in sorted(calls.items(), key=lambda kv: -kv[1]))
    lines.append(f"  jsii requests (each a round trip to node): {sent} in all, per cluster {kinds}")
    resources = found.get("resources")
    if resources:
        document["profile"]["resources"] = resources
        document["profile"]["jsii_calls_per_resource"] = round(sent / resources, 2)
        lines.append(
            f"  per Terraform resource: {sent / resources:.2f} requests ({resources // clusters} "
            f"resources a cluster; each needs its constructor and, for a stable address, "
            f"override_logical_id; the rest are our intermediate constructs, outputs, "
            f"variables, providers, backends and stacks)")
    return lines


def count_resources(outdir: Path) -> int:
    """Terraform resources in a synthesized output, all stacks."""
    total = 0
    for stack in sorted(outdir.glob("stacks/*/cdk.tf.json")):
        kinds = json.loads(stack.read_text()).get("resource", {})
        total += sum(len(items) for items in kinds.values())
    return total


def _memory(measured: dict[str, Measured], document: dict[str, Any]) -> list[str]:
    lines = ["", "peak memory (python + jsii's node launcher and kernel)"]
    memory: dict[str, Any] = {}
    for key, m in measured.items():
        lines.append(f"  {m.case.label:<30}{_mib(m.median('peak_mib')):>10}  (python "
                     f"{_mib(m.median('python_mib'))} + node {_mib(m.median('node_mib'))})")
        memory[key] = round(m.median("peak_mib"), 1)
    document["peak_rss_mib"] = memory
    return lines


def _deploy(measured: dict[str, Measured], document: dict[str, Any]) -> list[str]:
    """Critical path and worst-case Helm wait of each config, from its JSON."""
    sys.path.insert(0, str(REPO / "constructs"))
    sys.path.insert(0, str(REPO / "tools"))
    from deploy_graph import critical_path, load_graph

    lines = [
        "",
        "deploy critical path (from each config's synthesized JSON)",
        f"  {'config':<9}{'Helm stages':>12}{'worst case':>17}   path",
    ]
    deploy: dict[str, Any] = {}
    for key, m in measured.items():
        if not key.startswith("config:") or m.outdir is None:
            continue
        name = key.split(":", 1)[1]
        graph = load_graph(m.outdir)
        path = critical_path(graph)
        stacks = " -> ".join("+".join(s.name for s in layer) for layer in graph.stack_layers())
        chain = " -> ".join(r.name for r in path.releases)
        bound = f"{path.bound_seconds} s ({path.bound_seconds / 60:g} min)"
        lines.append(f"  {name:<9}{path.helm_stages:>12}{bound:>17}   {chain} (stacks: {stacks})")
        deploy[name] = {
            "helm_stages": path.helm_stages,
            "worst_case_seconds": path.bound_seconds,
            "critical_path": [f"{r.stack}/{r.address}" for r in path.releases],
            "stack_order": [[s.name for s in layer] for layer in graph.stack_layers()],
        }
    document["deploy"] = deploy
    return lines


def _targets(measured: dict[str, Measured], whole: Measured, document: dict[str, Any]) -> list[str]:
    """Issue 17's two targets, on best runs, against the whole-package import."""
    lines = ["", "targets (best runs, against the whole-package import's best run "
                 f"{whole.minimum('wall_seconds'):.2f} s)"]
    targets: dict[str, Any] = {}
    prod = measured.get(f"config:{FLEET_TEMPLATE}")
    if prod is not None:
        ratio = prod.best_of(3) / whole.minimum("wall_seconds")
        targets["prod_best_of_3"] = {"ratio": round(ratio, 3), "target": PROD_TARGET,
                                     "met": _verdict(ratio, PROD_TARGET) == "met"}
        lines.append(f"  main.py prod, best of {min(3, len(prod.samples))}: {prod.best_of(3):.2f} s"
                     f" = {ratio:.2f} x (target at most {PROD_TARGET}): {_verdict(ratio, PROD_TARGET)}")
    sizes = [_size(k) for k in measured if k.startswith("fleet:")]
    largest = f"fleet:{max(sizes)}" if sizes else ""
    if largest in measured:
        m = measured[largest]
        ratio = m.best_of(2) / whole.minimum("wall_seconds")
        targets["fleet_100_best_of_2"] = {"ratio": round(ratio, 3), "target": FLEET_TARGET,
                                          "met": _verdict(ratio, FLEET_TARGET) == "met"}
        lines.append(f"  {m.case.label}, best of {min(2, len(m.samples))}: {m.best_of(2):.2f} s"
                     f" = {ratio:.2f} x (target at most {FLEET_TARGET}): {_verdict(ratio, FLEET_TARGET)}")
    document["targets"] = targets
    return lines


def repeat_default() -> int:
    value = os.environ.get(REPEAT_ENV)
    return int(value) if value else DEFAULT_REPEAT


def results_path(record: bool) -> Path:
    """Where a run writes its figures: under build/ (not committed), or the
    recorded ones the docs quote."""
    return REPO / ("benchmarks" if record else "build/bench") / "results.json"


COMMAND = "python tools/bench/bench_run.py"
RESULTS = "results.json"


def earlier_results(folder: Path) -> bool:
    """A results folder from before the marker: only a results.json this
    benchmark wrote (its ``command`` is ``make bench ...``)."""
    if [p.name for p in folder.iterdir()] != [RESULTS]:
        return False
    try:
        document = json.loads((folder / RESULTS).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and str(document.get("command", "")).startswith("make bench")


def bench_writer() -> Writer:
    """The benchmark as the owner of its results folder."""
    return Writer(COMMAND, earlier_output=earlier_results, inputs=(REPO / "config",))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=repeat_default(),
                        help=f"runs per case (default {DEFAULT_REPEAT}, or ${REPEAT_ENV})")
    parser.add_argument("--fleet", default=",".join(map(str, FLEET_SIZES)),
                        help="cluster counts, comma-separated, the first one the baseline")
    parser.add_argument("--no-profile", action="store_true",
                        help="skip the extra profiled run of the largest fleet")
    parser.add_argument("--record", action="store_true",
                        help="write benchmarks/results.json (the figures the docs quote) "
                             "instead of build/bench/results.json")
    parser.add_argument("--out", default=None,
                        help="folder to write results.json into (default: build/bench, or "
                             "benchmarks with --record)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    # A string until vetted: Path("") would silently mean the working directory.
    folder: str | Path = args.out if args.out is not None else results_path(args.record).parent
    try:
        vet(folder, bench_writer())  # before minutes of measuring
    except OutputRefused as exc:
        print(f"error: output folder refused\n{exc}", file=sys.stderr)
        return 2
    configs = sorted((REPO / "config").glob("*.yaml"))
    fleet = [int(n) for n in args.fleet.split(",") if n]
    facts = machine()
    facts["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="istio-mesh-bench-") as scratch:
        all_cases = cases(configs, fleet, Path(scratch))
        measured = measure(all_cases, args.repeat, Path(scratch), sys.stderr)
        profile = None
        if fleet and not args.no_profile:
            print("profiling the largest fleet once ...", file=sys.stderr, flush=True)
            largest = next(c for c in all_cases if c.key == f"fleet:{max(fleet)}")
            profile = run_probe(largest, Path(scratch) / "profile", profile=True)
            if profile.profile is not None:
                profile.profile["resources"] = count_resources(Path(scratch) / "profile")
        facts["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        lines, document = report(measured, profile, args.repeat, facts)
    document["command"] = "make bench" + (" BENCH_RECORD=1" if args.record else "") + (
        f" BENCH_REPEAT={args.repeat}" if args.repeat != DEFAULT_REPEAT else "")
    print("\n".join(lines))
    try:
        with replacing(folder, bench_writer()) as staging:
            (staging / RESULTS).write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    except OutputRefused as exc:
        print(f"error: output folder refused\n{exc}", file=sys.stderr)
        return 2
    print(f"\nwritten: {Path(folder) / RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

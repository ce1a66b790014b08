"""``make bench``: what synthesis costs, and what a deploy can wait for.

Every measurement is a fresh Python process (``bench_probe.py``) timed from
outside, because the cost a user sees is dominated by starting the jsii
runtime and loading the binding packages' assemblies, which only a new
process pays. Runs are interleaved (one of each case per round) so that load
from other programs on the machine spreads over every case, and medians are
reported.

Printed, and written to ``benchmarks/results.json``:
  * the import floor: a process that imports the binding packages (every
    top-level package ``terraform.py`` imports) and nothing else, and what
    the two start/exit savings of :mod:`istio_mesh.process_lifetime` change
    in it (ordinary exit; collector paused);
  * each shipped config synthesized on its own, as ``main.py`` does it, with
    its ratio to the floor;
  * a fleet of 1, 10 and 100 generated clusters in one app, with the ratio
    to one cluster, and where the time of the largest went (cProfile);
  * each config's deploy critical path and worst-case Helm wait, read from
    its synthesized JSON (:mod:`istio_mesh.deploy_graph`).

Run ``pipenv run python -m istio_mesh.bench [--repeat N]``.
"""

from __future__ import annotations

import argparse
import datetime
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

from istio_mesh.deploy_graph import critical_path, load_graph
from istio_mesh.toolchain import TOOLCHAINS, installed_toolchain

PACKAGE = Path(__file__).resolve().parent
PROBE = PACKAGE / "bench_probe.py"
REPO = PACKAGE.parents[1]
REPEAT_ENV = "ISTIO_MESH_BENCH_REPEAT"
DEFAULT_REPEAT = 5
FLEET_SIZES = (1, 10, 100)
FLEET_TEMPLATE = "prod"
# The targets from the issue that asked for this benchmark.
OVERHEAD_TARGET = 0.10
FLEET_TARGET = 2.0


def binding_packages() -> list[str]:
    """Top-level packages ``terraform.py`` imports: the CDK surface the
    floor loads, of whichever toolchain (cdktf or the cdktn fork) is installed."""
    return sorted([*TOOLCHAINS[installed_toolchain()], "constructs"])


@dataclass(frozen=True)
class Case:
    """One kind of process to measure."""

    key: str
    argv: tuple[str, ...]
    label: str


@dataclass
class Sample:
    wall_seconds: float
    cpu_seconds: float
    in_process_seconds: float
    phases: dict[str, float]
    peak_mib: float
    python_mib: float
    node_mib: float | None
    profile: dict[str, float] | None = None


@dataclass
class Measured:
    case: Case
    samples: list[Sample] = field(default_factory=list)
    outdir: Path | None = None

    def median(self, attribute: str) -> float:
        return statistics.median(float(getattr(s, attribute)) for s in self.samples)

    def minimum(self, attribute: str) -> float:
        return min(float(getattr(s, attribute)) for s in self.samples)

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
        outdir.mkdir(parents=True, exist_ok=True)
        argv.append(str(outdir))
    if profile:
        argv.append("--profile")
    env = dict(os.environ)
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
    packages = ",".join(binding_packages())
    template = REPO / "config" / f"{FLEET_TEMPLATE}.yaml"
    found = [
        Case("floor", ("floor", packages), "import floor"),
        Case("floor:plain-exit", ("floor", packages, "--plain-exit"), "floor, plain exit"),
        Case("floor:paused-gc", ("floor", packages, "--paused-gc"), "floor, GC paused"),
    ]
    found += [Case(f"config:{p.stem}", ("synth", packages, str(p)), p.stem) for p in configs]
    found += [
        Case(
            f"fleet:{n}",
            ("synth", packages, write_fleet(template, n, scratch / "fleet-configs" / str(n))),
            f"{n} clusters",
        )
        for n in fleet
    ]
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


def measure(all_cases: list[Case], repeat: int, scratch: Path, log: Any) -> dict[str, Measured]:
    """Interleaved rounds: one run of every case per round."""
    measured = {case.key: Measured(case) for case in all_cases}
    print("warming up (one unmeasured floor run) ...", file=log, flush=True)
    run_probe(all_cases[0], None)
    for round_number in range(1, repeat + 1):
        print(f"round {round_number}/{repeat}:", end="", file=log, flush=True)
        for case in all_cases:
            outdir = None
            if case.argv[0] == "synth":
                outdir = scratch / case.key.replace(":", "-") / str(round_number)
            measured[case.key].samples.append(run_probe(case, outdir))
            measured[case.key].outdir = outdir
            print(f" {case.label}", end="", file=log, flush=True)
        print(file=log, flush=True)
    return measured


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} MiB"


LABELS = {"wall": "wall", "wall_min": "wall (min)", "cpu": "CPU", "our_phases": "our phases",
          "in_process": "in-process"}


def _verdict(value: float, target: float) -> str:
    return "met" if round(value, 6) <= target else "NOT met"


def _views(views: dict[str, float], target: float, percent: bool) -> str:
    """``wall +4.1% met, CPU +12.0% NOT met`` (or ratios), one entry per view."""
    return ", ".join(
        f"{LABELS[k]} {v:+.1%}" if percent else f"{LABELS[k]} {v:.2f}"
        for k, v in views.items()
    ) + "; " + ", ".join(f"{LABELS[k]} {_verdict(v, target)}" for k, v in views.items())


def _size(key: str) -> int:
    return int(key.split(":", 1)[1])


OUR_PHASES = ("load_configs", "import_ours", "build", "synth")


def report(
    measured: dict[str, Measured], profile: Sample | None, repeat: int, facts: dict[str, Any],
    packages: list[str],
) -> tuple[list[str], dict[str, Any]]:
    """The printed lines and the JSON document, from the same numbers."""
    floor = measured["floor"]
    document: dict[str, Any] = {
        "repeat": repeat,
        "machine": facts,
        "floor": {"packages": packages, **floor.summary()},
        "targets": {"overhead_target": OVERHEAD_TARGET, "fleet_target": FLEET_TARGET},
    }
    lines = [
        f"istio-mesh benchmark: {repeat} run(s) per case, each a fresh process; medians, "
        "(min) where the spread matters",
        f"machine: {facts.get('cpu_model', '?')}, {facts['cpus']} CPUs, "
        f"{facts.get('memory_gib', '?')} GiB, {facts['system']}; Python {facts['python']}, "
        f"node {facts['node']}, cdktf {facts['cdktf']}, jsii {facts['jsii']}; load average "
        f"{facts['load_average_before'][0]:.1f} before, {facts['load_average_after'][0]:.1f} after",
        "wall = process start to exit; CPU = user + system of python and node; "
        "in-process = the probe's own clock from its first line",
        "",
        f"jsii import floor (import {', '.join(packages)}; nothing else; exit as main.py does)",
        f"  wall {floor.median('wall_seconds'):.2f} s ({floor.minimum('wall_seconds'):.2f})   "
        f"CPU {floor.median('cpu_seconds'):.2f} s   in-process {floor.phase('import_bindings'):.2f} s"
        f"   peak RSS {_mib(floor.median('peak_mib'))} (python {_mib(floor.median('python_mib'))}"
        f" + node {_mib(floor.median('node_mib'))}: jsii launcher and kernel)",
    ]
    plain = measured.get("floor:plain-exit")
    if plain is not None:
        teardown = plain.median("wall_seconds") - floor.median("wall_seconds")
        lines.append(
            f"  the same ending with Python's ordinary exit (as a plain cdktf app does): wall "
            f"{plain.median('wall_seconds'):.2f} s ({plain.minimum('wall_seconds'):.2f}), CPU "
            f"{plain.median('cpu_seconds'):.2f} s: {teardown:+.2f} s of interpreter teardown, "
            "which main.py and every run here skip"
        )
        document["floor_plain_exit"] = plain.summary()
        document["teardown_seconds"] = round(teardown, 3)
    paused = measured.get("floor:paused-gc")
    if paused is not None:
        saved_cpu = floor.median("cpu_seconds") - paused.median("cpu_seconds")
        lines.append(
            f"  the same imports with the garbage collector paused (as main.py does): wall "
            f"{paused.median('wall_seconds'):.2f} s ({paused.minimum('wall_seconds'):.2f}), CPU "
            f"{paused.median('cpu_seconds'):.2f} s, in-process {paused.phase('import_bindings'):.2f} s:"
            f" {-saved_cpu:+.2f} s CPU"
        )
        document["floor_paused_gc"] = paused.summary()
        document["paused_gc_cpu_seconds_saved"] = round(saved_cpu, 3)
    lines += _configs(measured, floor, document)
    lines += _fleet(measured, document)
    if profile is not None and profile.profile:
        lines += _profile(profile.profile, _size(list(measured)[-1]), document)
    lines += _deploy(measured, document)
    return lines, document


def _configs(measured: dict[str, Measured], floor: Measured, document: dict[str, Any]) -> list[str]:
    """Each shipped config against the floor: wall, CPU, memory, our own phases."""
    floor_wall, floor_min = floor.median("wall_seconds"), floor.minimum("wall_seconds")
    floor_cpu, floor_mem = floor.median("cpu_seconds"), floor.median("peak_mib")
    floor_imports = floor.phase("import_bindings")
    lines = [
        "",
        "full synth of each shipped config on its own (what main.py does), against the floor",
        f"  {'config':<9}{'wall':>17}{'x floor':>15}{'CPU':>9}{'x floor':>8}{'peak RSS':>10}"
        f"{'x floor':>8}   our code: config + import + build + synth",
    ]
    views: dict[str, float] = {}
    configs: dict[str, Any] = {}
    for key, m in measured.items():
        if not key.startswith("config:"):
            continue
        name = key.split(":", 1)[1]
        wall, wall_min = m.median("wall_seconds"), m.minimum("wall_seconds")
        cpu, mem = m.median("cpu_seconds"), m.median("peak_mib")
        ours = sum(m.phase(p) for p in OUR_PHASES)
        ratios = {
            "wall": wall / floor_wall, "wall_min": wall_min / floor_min, "cpu": cpu / floor_cpu,
            "our_phases": 1 + ours / floor_imports,
        }
        views = {k: max(views.get(k, v - 1), v - 1) for k, v in ratios.items()}
        parts = " + ".join(f"{m.phase(p):.2f}" for p in OUR_PHASES)
        lines.append(
            f"  {name:<9}{wall:>7.2f} s ({wall_min:5.2f}){ratios['wall']:>7.3f} ({ratios['wall_min']:.3f})"
            f"{cpu:>7.2f} s{ratios['cpu']:>8.3f}{_mib(mem):>10}{mem / floor_mem:>8.3f}"
            f"   {parts} = {ours:.2f} s ({ours / floor_imports:.1%} of the floor)"
        )
        configs[name] = {
            **m.summary(),
            "wall_ratio_to_floor": round(ratios["wall"], 3),
            "wall_min_ratio_to_floor": round(ratios["wall_min"], 3),
            "cpu_ratio_to_floor": round(ratios["cpu"], 3),
            "memory_ratio_to_floor": round(mem / floor_mem, 3),
            "our_code_seconds": round(ours, 3),
        }
    document["configs"] = configs
    document["targets"]["worst_over_floor"] = {k: round(v, 4) for k, v in views.items()}
    lines.append(
        f"  worst over the floor (target: at most +{OVERHEAD_TARGET:.0%}): "
        + _views(views, OVERHEAD_TARGET, percent=True)
    )
    return lines


def _fleet(measured: dict[str, Measured], document: dict[str, Any]) -> list[str]:
    """N clusters in one app against one cluster."""
    keys = [k for k in measured if k.startswith("fleet:")]
    if not keys:
        return []
    base = measured[keys[0]]
    lines = [
        "",
        f"fleet: N generated copies of config/{FLEET_TEMPLATE}.yaml in one app (2 stacks each)",
        f"  {'clusters':<9}{'stacks':>7}{'wall':>17}{'x 1':>13}{'CPU':>9}{'x 1':>7}"
        f"{'in-process':>12}{'x 1':>7}{'peak RSS':>10}   config / build / synth",
    ]
    fleet: dict[str, Any] = {}
    for key in keys:
        m = measured[key]
        wall, wall_min, cpu = m.median("wall_seconds"), m.minimum("wall_seconds"), m.median("cpu_seconds")
        inside = m.median("in_process_seconds")
        ratios = {
            "wall": wall / base.median("wall_seconds"),
            "wall_min": wall_min / base.minimum("wall_seconds"),
            "cpu": cpu / base.median("cpu_seconds"),
            "in_process": inside / base.median("in_process_seconds"),
        }
        phases = " / ".join(f"{m.phase(p):.2f}" for p in ("load_configs", "build", "synth"))
        lines.append(
            f"  {_size(key):<9}{2 * _size(key):>7}{wall:>7.2f} s ({wall_min:5.2f})"
            f"{ratios['wall']:>6.2f} ({ratios['wall_min']:.2f}){cpu:>7.2f} s{ratios['cpu']:>7.2f}"
            f"{inside:>10.2f} s{ratios['in_process']:>7.2f}{_mib(m.median('peak_mib')):>10}   {phases} s"
        )
        fleet[str(_size(key))] = {
            **m.summary(), "stacks": 2 * _size(key),
            **{f"{k}_ratio_to_one": round(v, 3) for k, v in ratios.items()},
        }
    document["fleet"] = fleet
    if len(keys) > 1:
        last = measured[keys[-1]]
        extra = _size(keys[-1]) - _size(keys[0])
        ratios = fleet[str(_size(keys[-1]))]
        per_cluster = {
            "wall": (last.median("wall_seconds") - base.median("wall_seconds")) / extra,
            "cpu": (last.median("cpu_seconds") - base.median("cpu_seconds")) / extra,
            "in_process": (last.median("in_process_seconds") - base.median("in_process_seconds"))
            / extra,
        }
        document["fleet_seconds_per_further_cluster"] = {
            k: round(v, 4) for k, v in per_cluster.items()}
        views = {k: ratios[f"{k}_ratio_to_one"] for k in ("wall", "wall_min", "cpu", "in_process")}
        document["targets"]["fleet_ratio"] = views
        lines.append(
            f"  {_size(keys[-1])} clusters / {_size(keys[0])} (target: at most {FLEET_TARGET:g}): "
            + _views(views, FLEET_TARGET, percent=False)
        )
        lines.append(
            "  each further cluster adds "
            + ", ".join(f"{v * 1000:.0f} ms {LABELS[k]}" for k, v in per_cluster.items())
        )
    return lines


def _profile(buckets: dict[str, float], clusters: int, document: dict[str, Any]) -> list[str]:
    total = sum(buckets.values())
    document["fleet_profile_seconds"] = {k: round(v, 3) for k, v in buckets.items()}
    lines = ["", f"where build + synth of {clusters} clusters goes (one extra run under cProfile, "
                 f"own time by origin, {total:.2f} s in all)"]
    for origin, seconds in buckets.items():
        lines.append(f"  {seconds / total:>6.1%}  {seconds:>6.2f} s  {origin}")
    return lines


def _deploy(measured: dict[str, Measured], document: dict[str, Any]) -> list[str]:
    """Critical path and worst-case Helm wait of each config, from its JSON."""
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


def repeat_default() -> int:
    value = os.environ.get(REPEAT_ENV)
    return int(value) if value else DEFAULT_REPEAT


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=repeat_default(),
                        help=f"runs per case (default {DEFAULT_REPEAT}, or ${REPEAT_ENV})")
    parser.add_argument("--fleet", default=",".join(map(str, FLEET_SIZES)),
                        help="cluster counts, comma-separated, the first one the baseline")
    parser.add_argument("--no-profile", action="store_true",
                        help="skip the extra profiled run of the largest fleet")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.json")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
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
            largest = all_cases[-1]
            profile = run_probe(largest, Path(scratch) / "profile", profile=True)
        facts["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        lines, document = report(measured, profile, args.repeat, facts, binding_packages())
    print("\n".join(lines))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    print(f"\nwritten: {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

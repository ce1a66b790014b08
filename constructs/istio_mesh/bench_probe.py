"""What runs inside each process ``make bench`` measures.

Run as a script (``python -P .../bench_probe.py``), never imported by the
library: its top level imports only the standard library, so the import
floor it measures is the binding packages and nothing of ours. Each run
prints one JSON line: phase times, and the peak resident memory of this
process and of the jsii node process it started.

Modes:
  floor PACKAGES                    import the binding packages, nothing else
  synth PACKAGES SELECTOR OUTDIR    what ``main.py`` does for the configs that
                                    SELECTOR names (``MESH_CONFIG`` syntax)
Flags: ``--profile`` (synth) also reports where build and synth time went
(cProfile, by origin). Every run exits as ``main.py`` does, skipping the
interpreter's teardown, unless ``--plain-exit``; ``--paused-gc`` (floor)
imports with the collector paused, as ``main.py`` does.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()
OTHER = "other (standard library, builtins)"


def _vm_hwm_kib(pid: str) -> int | None:
    """Peak resident set size of a process, from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _children(pid: str) -> list[str]:
    pids: list[str] = []
    try:
        for task in sorted(Path(f"/proc/{pid}/task").iterdir()):
            pids.extend((task / "children").read_text().split())
    except OSError:
        return []
    return pids


def _descendants() -> list[str]:
    """Every process below this one: jsii's launcher ``node jsii-runtime.js``
    starts the kernel (``node .../program.js``) as its own child."""
    found: list[str] = []
    pending = _children(str(os.getpid()))
    while pending:
        pid = pending.pop(0)
        found.append(pid)
        pending.extend(_children(pid))
    return found


def peak_memory() -> dict[str, int | None]:
    """Peak RSS in KiB of this process and, summed, of every process below it
    (jsii's node launcher and kernel). Read while they still run: once they
    exit, getrusage keeps only the largest single process."""
    own = _vm_hwm_kib("self")
    if own is None:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peaks = [_vm_hwm_kib(pid) for pid in _descendants()]
    children = sum(p for p in peaks if p is not None) if peaks else None
    return {"python_kib": own, "children_kib": children}


class Phases:
    """Seconds spent in each named step, in order."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self._last
        self._last = now


def import_bindings(packages: list[str]) -> None:
    for package in packages:
        importlib.import_module(package)


def profile_by_origin(run: Callable[[], None]) -> dict[str, float]:
    """Run under cProfile; own time (tottime) summed by where the code lives."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats: Any = pstats.Stats(profiler)
    buckets: dict[str, float] = {}
    for (filename, _, function), (_, _, own, _, callers) in stats.stats.items():
        bucket = origin(filename, function)
        if bucket == OTHER and callers:
            # A builtin or stdlib helper (isinstance, inspect, ...): charge each
            # caller's share to the caller's origin, so that type checks and
            # marshalling get what they spend through it.
            for (caller_file, _, caller_function), caller_row in callers.items():
                charged = origin(caller_file, caller_function)
                buckets[charged] = buckets.get(charged, 0.0) + caller_row[2]
            continue
        buckets[bucket] = buckets.get(bucket, 0.0) + own
    return dict(sorted(buckets.items(), key=lambda kv: -kv[1]))


def origin(filename: str, function: str) -> str:
    """Which part of the stack a profiled function belongs to."""
    path = filename.replace("\\", "/")
    if "/istio_mesh/" in path:
        return "istio_mesh (our code)"
    if "readline" in function:
        return "waiting for node (jsii kernel work)"
    if "/typeguard/" in path or path.endswith("/typing.py"):
        return "binding type checks (typeguard, get_type_hints)"
    if "/jsii/" in path or "/cattrs/" in path or path.endswith("/json/encoder.py") or (
        path.endswith("/json/decoder.py")
    ):
        return "jsii marshalling (python side)"
    if "/cdktf" in path or "/constructs/" in path:
        return "binding classes (python side)"
    if "/pydantic" in path or "/yaml/" in path:
        return "pydantic / yaml"
    return OTHER


def synth(packages: list[str], configs: dict[str, Any], outdir: str, phases: Phases,
          profile: bool) -> dict[str, float] | None:
    from istio_mesh.process_lifetime import loading_bindings

    with loading_bindings():  # as main.py loads them
        import_bindings(packages)
        phases.mark("import_bindings")
        from istio_mesh.app import build_app

        phases.mark("import_ours")
    if profile:
        def run() -> None:
            build_app(configs, outdir=outdir).synth()

        buckets = profile_by_origin(run)
        phases.mark("build_and_synth_profiled")
        return buckets
    app = build_app(configs, outdir=outdir)
    phases.mark("build")
    app.synth()
    phases.mark("synth")
    return None


def lifetime_helpers() -> Any:
    """``istio_mesh/process_lifetime.py`` loaded by path: it needs only the
    standard library, and importing it as part of the package would load
    pydantic into the floor."""
    path = Path(__file__).with_name("process_lifetime.py")
    spec = importlib.util.spec_from_file_location("process_lifetime", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    flags = {a for a in argv if a.startswith("--")}
    args = [a for a in argv if not a.startswith("--")]
    mode, packages = args[0], args[1].split(",")
    lifetime = lifetime_helpers()
    phases = Phases()
    buckets = None
    if mode == "floor":
        if "--paused-gc" in flags:
            with lifetime.loading_bindings():
                import_bindings(packages)
        else:
            import_bindings(packages)
        phases.mark("import_bindings")
    elif mode == "synth":
        from istio_mesh.config.loader import load_configs, select_config_paths

        configs = load_configs(select_config_paths(args[2]))
        phases.mark("load_configs")
        buckets = synth(packages, configs, args[3], phases, "--profile" in flags)
    else:
        print(f"unknown mode {mode}", file=sys.stderr)
        return 2
    result = {
        "in_process_seconds": time.perf_counter() - STARTED,
        "phases": phases.seconds,
        "memory": peak_memory(),
        "profile": buckets,
    }
    print(json.dumps(result))
    if "--plain-exit" in flags:
        return 0
    lifetime.exit_without_teardown(0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

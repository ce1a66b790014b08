"""What runs inside each process ``make bench`` measures.

Run as a script (``python -P tools/bench/bench_probe.py MODE ...``). Its top
level imports only the standard library, so each mode measures what it
names and nothing of ours besides. Each run prints one JSON line (phase
times; the peak resident memory of this process and of the jsii node
processes below it) and then exits as ``main.py`` does, without the
interpreter's teardown: every mode alike.

Modes:
  whole PACKAGES           ``import`` the binding packages whole (a plain
                           cdktf program's start), nothing else
  used                     our ``runtime/terraform.py``: cdktf and only the binding
                           modules we use, loaded as ``main.py`` loads them
  handwritten OUTDIR       ``handwritten_prod.py``: prod's JSON by hand, the floor
  synth SELECTOR OUTDIR    ``main.py`` (``istio_mesh.cli.main``) for the configs
                           ``SELECTOR`` names (``MESH_CONFIG`` syntax)
Flag ``--profile`` (synth): also where the time went (cProfile, by origin)
and how many jsii requests of each kind were sent.
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
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PACKAGE = REPO / "constructs" / "istio_mesh"
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


def import_whole(packages: list[str]) -> None:
    """What a plain cdktf program does: ``import`` each package, whose
    ``__init__`` imports every module of it."""
    for package in packages:
        importlib.import_module(package)


class JsiiCalls:
    """Counts the requests Python sends to the jsii kernel, by kind
    (``create``, ``invoke``, ``get`` ...): each is a round trip to node."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def install(self) -> None:
        from jsii._kernel.providers import process

        send = process._NodeProcess.send
        counts = self.counts

        def counting(node: Any, request: Any, response_type: Any) -> Any:
            kind = type(request).__name__.removesuffix("Request")
            counts[kind] = counts.get(kind, 0) + 1
            return send(node, request, response_type)

        setattr(process._NodeProcess, "send", counting)


def profile_by_origin(run: Callable[[], object]) -> dict[str, float]:
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
    if "readline" in function or "flush" in function:
        # Reading node's answer, and writing the request: the write wakes the
        # kernel, which often runs at once, before the writer resumes.
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


def load_by_path(name: str, path: Path) -> Any:
    """A stdlib-only module of ours by file, so that the package
    ``istio_mesh`` (whose ``__init__`` loads pydantic) stays unloaded."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synth(selector: str, outdir: str, phases: Phases, profile: bool) -> dict[str, Any] | None:
    """What ``main.py`` does (``istio_mesh.cli.main``) for ``MESH_CONFIG=selector``."""
    os.environ["MESH_CONFIG"] = selector
    os.environ["CDKTF_OUTDIR"] = outdir
    sys.path.insert(0, str(REPO / "constructs"))
    from istio_mesh import cli

    phases.mark("import_cli")
    if not profile:
        code = cli.main([])
        phases.mark("main")
        if code != 0:
            raise SystemExit(code)
        return None
    calls = JsiiCalls()
    calls.install()
    buckets = profile_by_origin(lambda: cli.main([]))
    phases.mark("main_profiled")
    return {"seconds_by_origin": buckets, "jsii_calls": calls.counts}


def main(argv: list[str]) -> int:
    flags = {a for a in argv if a.startswith("--")}
    args = [a for a in argv if not a.startswith("--")]
    mode = args[0]
    teardown = load_by_path("teardown", PACKAGE / "runtime" / "teardown.py")
    phases = Phases()
    profile = None
    if mode == "whole":
        import_whole(args[1].split(","))
        phases.mark("import")
    elif mode == "used":
        handwritten = load_by_path("handwritten_prod", HERE / "handwritten_prod.py")
        handwritten.fast_path().enable()  # as main.py loads them
        handwritten.terraform_module()
        phases.mark("import")
    elif mode == "handwritten":
        handwritten = load_by_path("handwritten_prod", HERE / "handwritten_prod.py")
        handwritten.fast_path().enable()
        t = handwritten.terraform_module()
        phases.mark("import")
        app = t.App(outdir=args[1])
        for name, doc in json.loads(handwritten.DATA.read_text()).items():
            handwritten.build_stack(t, app, name, doc)
        phases.mark("build")
        app.synth()
        phases.mark("synth")
    elif mode == "synth":
        profile = synth(args[1], args[2], phases, "--profile" in flags)
    else:
        print(f"unknown mode {mode}", file=sys.stderr)
        return 2
    result = {
        "in_process_seconds": time.perf_counter() - STARTED,
        "phases": phases.seconds,
        "memory": peak_memory(),
        "profile": profile,
    }
    print(json.dumps(result))
    teardown.exit_without_teardown(0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

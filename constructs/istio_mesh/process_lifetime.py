"""What a synth process pays at start and exit that is not synthesis.

Loading the bindings creates hundreds of thousands of Python objects (one
class per Terraform resource and struct, and their type hints), and all of
them live until the process ends. Python's cyclic garbage collector walks
them again and again while they are created, and the interpreter frees them
one by one at exit. And every call into cdktf is a round trip to jsii's node
kernel, through a second node process that only relays the messages, and
that kernel compiles every module of each provider package and records a
stack trace for every token. See
docs/performance.md for what each costs. ``main.py`` uses the helpers
here; a library user can do the same.

This module needs only the standard library (``make bench`` loads it alone).
"""

from __future__ import annotations

import atexit
import gc
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

DIRECT_KERNEL_ENV = "ISTIO_MESH_JSII_DIRECT"
"""Set to ``0`` to keep jsii's relay process (see :func:`direct_kernel`)."""

# How jsii's bundled kernel (1.x) opens its message channel: file descriptor
# 3, which its launcher connects to itself. The kernel is started on our own
# standard input and output instead only if this text is found, once.
_KERNEL_CHANNEL = "readFD:3,writeFD:3"
_DIRECT_CHANNEL = "readFD:0,writeFD:1"
# The launcher (hooks on Node's module loader, then the kernel): a file of
# this package, copied next to the kernel's copy.
_LAUNCHER = Path(__file__).with_name("jsii_launcher.js")


@contextmanager
def loading_bindings() -> Iterator[None]:
    """Import the binding packages inside this block: the cyclic collector is
    paused, and what was created is frozen (``gc.freeze``), so later
    collections, which a fleet of clusters triggers often, skip it. The jsii
    kernel, if the imports start it, starts as :func:`direct_kernel` says."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with direct_kernel():
            yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


@contextmanager
def direct_kernel() -> Iterator[None]:
    """Start jsii's node kernel, if it starts inside this block, without its
    relay process.

    jsii starts ``node jsii-runtime.js``, which starts the kernel as a second
    node process and copies every message between Python and it: each call
    into cdktf wakes three processes instead of two. Here jsii is pointed
    (``JSII_RUNTIME``) at a copy of its own kernel that talks on standard
    input and output, started with the flag the relay gives it
    (``--preserve-symlinks``), added to ``NODE_OPTIONS``. Its launcher
    (``jsii_launcher.js``, beside this module) also has Node compile only the
    provider modules the kernel looks types up in, and drops cdktf's creation
    stack of each token, which names only the kernel's frames (CDK Terrain's
    own switch ``CDKTN_DISABLE_CREATION_STACK``, honoured if set); neither
    changes a byte of output. Nothing changes if
    jsii's kernel is not the one this was written for, if ``JSII_RUNTIME`` is
    already set, or with ``ISTIO_MESH_JSII_DIRECT=0``.
    The environment is restored on exit.
    """
    runtime = None
    # jsii starts its kernel when the first assembly loads, and every binding
    # loads that of the constructs library first: once loaded, it is too late.
    started = "constructs._jsii" in sys.modules
    if not started and os.environ.get(DIRECT_KERNEL_ENV) != "0" and "JSII_RUNTIME" not in os.environ:
        runtime = _write_direct_runtime()
    if runtime is None:
        yield
        return
    saved = os.environ.get("NODE_OPTIONS")
    os.environ["JSII_RUNTIME"] = runtime
    # Added to what is set (istio_mesh.cli turns one Node warning off there).
    flag = "--preserve-symlinks"
    os.environ["NODE_OPTIONS"] = f"{saved} {flag}" if saved else flag
    try:
        yield
    finally:
        del os.environ["JSII_RUNTIME"]
        if saved is None:
            del os.environ["NODE_OPTIONS"]
        else:
            os.environ["NODE_OPTIONS"] = saved


def _write_direct_runtime() -> str | None:
    """The launcher for :func:`direct_kernel` in a temporary folder (removed at
    exit), or None where jsii's bundled kernel is not the expected one (or
    this package's launcher is missing, as in a wheel built without it)."""
    if not _LAUNCHER.is_file():
        return None
    spec = importlib.util.find_spec("jsii")
    if spec is None or not spec.submodule_search_locations:
        return None
    embedded = Path(spec.submodule_search_locations[0]) / "_embedded" / "jsii"
    try:
        program = (embedded / "lib__program.js").read_text(encoding="utf-8")
    except OSError:
        return None
    if program.count(_KERNEL_CHANNEL) != 1:
        return None
    folder = Path(tempfile.mkdtemp(prefix="istio-mesh-jsii-"))
    atexit.register(shutil.rmtree, folder, True)
    (folder / "bin").mkdir()
    (folder / "lib").mkdir()
    (folder / "lib" / "program.js").write_text(
        program.replace(_KERNEL_CHANNEL, _DIRECT_CHANNEL), encoding="utf-8")
    for name in ("runtime-index-worker.js",):  # the kernel starts it from its own folder
        if (embedded / f"lib__{name}").is_file():
            shutil.copyfile(embedded / f"lib__{name}", folder / "lib" / name)
    launcher = folder / "bin" / "jsii-runtime.js"
    shutil.copyfile(_LAUNCHER, launcher)
    return str(launcher)


def exit_without_teardown(code: int) -> NoReturn:
    """Exit now, without the interpreter freeing every module object first.

    Nothing needs that teardown: cdktf has written its output when
    ``synth()`` returns. Exit handlers still run, so jsii stops its node
    runtime as it always does, and buffered output is flushed.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

"""jsii's node kernel without its relay process, for the fast path only.

jsii starts ``node jsii-runtime.js``, which starts the kernel as a second
node process and copies every message between Python and it: each call into
cdktf wakes three processes instead of two. :func:`direct_kernel` points jsii
(``JSII_RUNTIME``) at a copy of its own kernel that talks on standard input
and output, started by this package's launcher (``jsii_launcher.js`` beside
this module), with the flag the relay gives it (``--preserve-symlinks``) in
``NODE_OPTIONS``. What the relay does besides relaying is kept: its
Node-version check (cut from the relay's own file, so its wording and
switches stay jsii's) and the framing of the kernel's output.

The copy is made from the text of jsii's files, so it is made only for the
jsii release it was verified on (:data:`VERIFIED_JSII`) and only where that
text is found exactly once; anywhere else jsii starts as it always does.

Standard library only, so ``make bench`` can load it on its own.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DIRECT_KERNEL_ENV = "ISTIO_MESH_JSII_DIRECT"
"""Set to ``0`` to keep jsii's relay process (see :func:`direct_kernel`)."""

VERIFIED_JSII = ("1.142.0",)
"""The jsii releases whose kernel and relay files the cuts below were verified on."""

# How jsii's bundled kernel (1.x) opens its message channel: file descriptor
# 3, which its launcher connects to itself. The kernel is started on our own
# standard input and output instead only if this text is found, once.
_KERNEL_CHANNEL = "readFD:3,writeFD:3"
_DIRECT_CHANNEL = "readFD:0,writeFD:1"
# Where jsii's relay, a webpack bundle, ends its module table and starts its
# main function, whose first act is its Node-version check (webpack module
# 5276); everything before it is the module table. The check file is that
# table and the one call.
_RELAY_MAIN = 'let __webpack_exports__={};(()=>{"use strict";__webpack_require__(5276);'
_NODE_CHECK_CALL = "__webpack_require__(5276);\n"
_LAUNCHER = Path(__file__).with_name("jsii_launcher.js")


@contextmanager
def direct_kernel() -> Iterator[str | None]:
    """Start jsii's node kernel, if it starts inside this block, without its
    relay process; yields why not (one line), or ``None`` when it will.

    Nothing changes if jsii is not a verified release, if its files do not
    have the text expected, if ``JSII_RUNTIME`` is already set, or with
    ``ISTIO_MESH_JSII_DIRECT=0``. The environment is restored on exit.
    """
    runtime, why = _direct_runtime()
    if runtime is None:
        yield why
        return
    saved = os.environ.get("NODE_OPTIONS")
    os.environ["JSII_RUNTIME"] = runtime
    # Added to what is set (istio_mesh.cli turns one Node warning off there).
    flag = "--preserve-symlinks"
    os.environ["NODE_OPTIONS"] = f"{saved} {flag}" if saved else flag
    try:
        yield None
    finally:
        del os.environ["JSII_RUNTIME"]
        if saved is None:
            del os.environ["NODE_OPTIONS"]
        else:
            os.environ["NODE_OPTIONS"] = saved


def _direct_runtime() -> tuple[str | None, str | None]:
    """(the launcher's path, None), or (None, why not) in a few words."""
    if os.environ.get(DIRECT_KERNEL_ENV) == "0":
        return None, None  # asked for: nothing to report
    if "JSII_RUNTIME" in os.environ:
        return None, None  # the user's own runtime wins, as in jsii
    # jsii starts its kernel when the first assembly loads, and every binding
    # loads that of the constructs library first: once loaded, it is too late.
    if "constructs._jsii" in sys.modules:
        return None, "jsii's runtime had already started"
    try:
        version = importlib.metadata.version("jsii")
    except importlib.metadata.PackageNotFoundError:
        return None, "jsii is not installed"
    if version not in VERIFIED_JSII:
        return None, f"jsii {version} is not a release the direct kernel was verified on ({', '.join(VERIFIED_JSII)})"
    return _write_direct_runtime()


def _write_direct_runtime() -> tuple[str | None, str | None]:
    """The launcher, the kernel's copy and jsii's Node-version check in a
    temporary folder (removed at exit)."""
    if not _LAUNCHER.is_file():
        return None, "this package's jsii_launcher.js is missing"
    spec = importlib.util.find_spec("jsii")
    if spec is None or not spec.submodule_search_locations:
        return None, "jsii is not installed"
    embedded = Path(spec.submodule_search_locations[0]) / "_embedded" / "jsii"
    try:
        program = (embedded / "lib__program.js").read_text(encoding="utf-8")
        relay = (embedded / "bin__jsii-runtime.js").read_text(encoding="utf-8")
    except OSError:
        return None, "jsii's bundled kernel files were not found"
    if program.count(_KERNEL_CHANNEL) != 1 or relay.count(_RELAY_MAIN) != 1:
        return None, "jsii's bundled kernel files do not have the text the direct kernel expects"
    folder = Path(tempfile.mkdtemp(prefix="istio-mesh-jsii-"))
    atexit.register(shutil.rmtree, folder, True)
    (folder / "bin").mkdir()
    (folder / "lib").mkdir()
    (folder / "lib" / "program.js").write_text(
        program.replace(_KERNEL_CHANNEL, _DIRECT_CHANNEL), encoding="utf-8")
    for name in ("runtime-index-worker.js",):  # the kernel starts it from its own folder
        if (embedded / f"lib__{name}").is_file():
            shutil.copyfile(embedded / f"lib__{name}", folder / "lib" / name)
    (folder / "bin" / "jsii-node-check.js").write_text(
        relay[: relay.index(_RELAY_MAIN)] + _NODE_CHECK_CALL, encoding="utf-8")
    launcher = folder / "bin" / "jsii-runtime.js"
    shutil.copyfile(_LAUNCHER, launcher)
    return str(launcher), None

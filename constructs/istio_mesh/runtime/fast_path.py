"""The fast path: one switch for what makes a synthesis process fast.

Nothing in ``istio_mesh`` turns it on by being imported. ``main.py`` and
the command line call :func:`enable` before they import the bindings, and an
application built on our constructs may do the same, first thing::

    from istio_mesh.runtime.fast_path import enable
    enable()

It then, for the whole process (docs/performance.md says what each saves):

- pauses Python's cyclic garbage collector while the bindings load, and
  freezes what they created, so later collections skip it;
- loads of each provider binding only the modules we use, with the
  bindings' runtime type checks compiled out
  (:func:`istio_mesh.runtime.bindings.load_bindings`);
- starts jsii's kernel without its relay process, with the launcher's hooks
  (:mod:`istio_mesh.runtime.kernel`).

Each part applies only to the package versions it was verified on
(:data:`VERIFIED`, :data:`istio_mesh.runtime.kernel.VERIFIED_JSII`, and the
launcher's own table for the npm packages); a part that does not apply says
so in one line on standard error, and synthesis is then slower, never
different. ``ISTIO_MESH_FAST_PATH=0`` turns it all off.

Standard library only, so ``make bench`` can load it on its own.
"""

from __future__ import annotations

import gc
import importlib.metadata
import os
import sys

from istio_mesh.runtime.bindings import BINDING_MODULES, load_bindings
from istio_mesh.runtime.kernel import direct_kernel
from istio_mesh.runtime.toolchain import TOOLCHAIN

FAST_PATH_ENV = "ISTIO_MESH_FAST_PATH"
"""Set to ``0`` to leave the process as a plain cdktf program has it."""

TYPE_CHECKS_ENV = "ISTIO_MESH_BINDING_TYPE_CHECKS"
"""Set to ``1`` to keep the bindings' runtime argument checks on the fast path."""

VERIFIED: dict[str, dict[str, tuple[str, ...]]] = {
    "cdktf": {
        "constructs": ("10.4.2",),
        "cdktf": ("0.21.0",),
        "cdktf-cdktf-provider-helm": ("12.1.2",),
        "cdktf-cdktf-provider-kubernetes": ("12.1.1",),
    },
    "cdktn": {
        "constructs": ("10.7.2",),
        "cdktn": ("0.24.0",),
        "cdktn-provider-helm": ("15.1.0",),
        "cdktn-provider-kubernetes": ("17.1.0",),
    },
}
"""Per toolchain, the Python distributions whose package layout (an
``__init__`` that imports every module, a ``_jsii`` module that loads the
assembly) the partial loading was verified on."""

_enabled = False


def enable() -> bool:
    """Turn the fast path on for this process; True if the bindings loaded
    the fast way. Call it before anything imports cdktf or the bindings;
    a second call does nothing."""
    global _enabled
    if _enabled:
        return True
    if os.environ.get(FAST_PATH_ENV) == "0":
        return False
    unverified = _unverified_distributions()
    if unverified:
        _say(f"{unverified} is not a release the fast binding loader was verified on")
        return False
    if any(package in sys.modules for package in BINDING_MODULES):
        _say("cdktf or its bindings were imported before istio_mesh.runtime.fast_path.enable()")
        return False
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with direct_kernel() as why_not:
            if why_not is not None:
                _say(f"jsii's kernel keeps its relay process: {why_not}")
            load_bindings(BINDING_MODULES, unchecked=os.environ.get(TYPE_CHECKS_ENV) != "1")
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    _enabled = True
    return True


def _unverified_distributions() -> str | None:
    """The first installed distribution of the toolchain not in :data:`VERIFIED`, as ``name version``."""
    for name, versions in VERIFIED[TOOLCHAIN].items():
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "(not installed)"
        if version not in versions:
            return f"{name} {version}"
    return None


def _say(why: str) -> None:
    print(f"istio-mesh: {why}; synthesis is slower but unchanged", file=sys.stderr)

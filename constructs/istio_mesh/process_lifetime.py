"""What a synth process pays at start and exit that is not synthesis.

Loading the binding packages creates about 700,000 Python objects (one
class per Terraform resource and struct, and their type hints), and all of
them live until the process ends. Python's cyclic garbage collector walks
them again and again while they are created, and the interpreter frees them
one by one at exit. ``make bench`` measured both on its machine: the
collector costs about 1 s of CPU during the imports, the teardown 1.4 to
2.1 s; a single-config synth takes 5 to 7 s. ``main.py`` uses both helpers
here; a library user can do the same.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn


@contextmanager
def loading_bindings() -> Iterator[None]:
    """Import the binding packages inside this block: the cyclic collector is
    paused, and what was created is frozen (``gc.freeze``), so later
    collections, which a fleet of clusters triggers often, skip it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


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

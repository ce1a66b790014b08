"""How the app entry points end a synthesis process.

Standard library only, so ``make bench`` can load it on its own.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn


def exit_without_teardown(code: int) -> NoReturn:
    """Exit now, without the interpreter freeing every module object first.

    Loading the bindings creates hundreds of thousands of Python objects, and
    the interpreter would free them one by one at exit. Nothing needs that
    teardown: cdktf has written its output when ``synth()`` returns. Exit
    handlers still run, so jsii stops its node runtime as it always does, and
    buffered output is flushed.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

"""main.py loads the bindings with the cyclic collector paused and exits
without the interpreter's teardown (make bench measures both); exit handlers
(jsii stops node in one), the exit code and everything printed are kept."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

from istio_mesh.process_lifetime import loading_bindings


def test_exit_runs_handlers_flushes_output_and_keeps_the_code() -> None:
    script = textwrap.dedent(
        """
        import atexit, sys
        from istio_mesh.process_lifetime import exit_without_teardown

        atexit.register(lambda: print("handler ran", flush=False))
        print("buffered out", end="")
        sys.stderr.write("buffered err")
        exit_without_teardown(3)
        print("never")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 3
    assert done.stdout == "buffered outhandler ran\n"
    assert done.stderr == "buffered err"


def test_bindings_load_with_the_collector_paused_then_frozen_out_of_its_way() -> None:
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    try:
        with loading_bindings():
            assert not gc.isenabled()
            created = [[i] for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen_before + len(created)
    finally:
        gc.unfreeze()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with loading_bindings():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()

"""The app entry points exit without the interpreter's teardown; exit
handlers (jsii stops node in one), the exit code and everything printed are
kept."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_exit_runs_handlers_flushes_output_and_keeps_the_code() -> None:
    script = textwrap.dedent(
        """
        import atexit, sys
        from istio_mesh.runtime.teardown import exit_without_teardown

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

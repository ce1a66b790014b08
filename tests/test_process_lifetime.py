"""main.py loads the bindings with the cyclic collector paused, starts jsii's
kernel without its relay process, and exits without the interpreter's
teardown (make bench measures each); exit handlers (jsii stops node in one),
the exit code and everything printed are kept. That the direct kernel writes
the same bytes is tested in test_binding_loading.py."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from istio_mesh.process_lifetime import DIRECT_KERNEL_ENV, direct_kernel, loading_bindings


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


def test_the_direct_kernel_is_set_up_only_inside_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JSII_RUNTIME", raising=False)
    monkeypatch.delenv(DIRECT_KERNEL_ENV, raising=False)
    monkeypatch.setenv("NODE_OPTIONS", "--no-warnings")
    monkeypatch.delitem(sys.modules, "constructs._jsii", raising=False)  # kernel not started
    with direct_kernel():
        runtime = Path(os.environ["JSII_RUNTIME"])
        assert os.environ["NODE_OPTIONS"] == "--no-warnings --preserve-symlinks"
        program = (runtime.parent.parent / "lib" / "program.js").read_text()
        assert "readFD:0,writeFD:1" in program and "readFD:3,writeFD:3" not in program
        assert 'require("../lib/program.js")' in runtime.read_text()
    assert "JSII_RUNTIME" not in os.environ
    assert os.environ["NODE_OPTIONS"] == "--no-warnings"


def test_a_runtime_the_user_chose_or_the_switch_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    monkeypatch.delitem(sys.modules, "constructs._jsii", raising=False)
    monkeypatch.setenv("JSII_RUNTIME", "/their/runtime.js")
    with direct_kernel():
        assert os.environ["JSII_RUNTIME"] == "/their/runtime.js"
        assert "NODE_OPTIONS" not in os.environ
    monkeypatch.delenv("JSII_RUNTIME")
    monkeypatch.setenv(DIRECT_KERNEL_ENV, "0")
    with direct_kernel():
        assert "JSII_RUNTIME" not in os.environ


def test_nothing_changes_once_the_kernel_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JSII_RUNTIME", raising=False)
    monkeypatch.delenv(DIRECT_KERNEL_ENV, raising=False)
    monkeypatch.setitem(sys.modules, "constructs._jsii", ModuleType("constructs._jsii"))
    with direct_kernel():
        assert "JSII_RUNTIME" not in os.environ

"""jsii's kernel without its relay (``istio_mesh.runtime.kernel``): set up
only inside the block, only for the verified jsii release, never over the
user's own runtime; jsii's Node-version check comes along. That it writes the
same bytes is tested in test_fast_path.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from istio_mesh.runtime import kernel
from istio_mesh.runtime.kernel import DIRECT_KERNEL_ENV, direct_kernel


@pytest.fixture
def kernel_not_started(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JSII_RUNTIME", raising=False)
    monkeypatch.delenv(DIRECT_KERNEL_ENV, raising=False)
    monkeypatch.delitem(sys.modules, "constructs._jsii", raising=False)


def test_the_direct_kernel_is_set_up_only_inside_the_block(
    monkeypatch: pytest.MonkeyPatch, kernel_not_started: None,
) -> None:
    monkeypatch.setenv("NODE_OPTIONS", "--no-warnings")
    with direct_kernel() as why_not:
        assert why_not is None
        runtime = Path(os.environ["JSII_RUNTIME"])
        assert os.environ["NODE_OPTIONS"] == "--no-warnings --preserve-symlinks"
        program = (runtime.parent.parent / "lib" / "program.js").read_text()
        assert "readFD:0,writeFD:1" in program and "readFD:3,writeFD:3" not in program
        assert 'require("../lib/program.js")' in runtime.read_text()
        check = (runtime.parent / "jsii-node-check.js").read_text()
        assert check.endswith("__webpack_require__(5276);\n")
        assert "spawn" not in check.rsplit("__webpack_module_cache__", 1)[1]
    assert "JSII_RUNTIME" not in os.environ
    assert os.environ["NODE_OPTIONS"] == "--no-warnings"


def test_jsii_s_own_node_version_check_runs_in_the_direct_kernel(
    tmp_path: Path, kernel_not_started: None,
) -> None:
    """On a Node that jsii calls end-of-life, its own warning is printed, as
    its relay prints it (here Node claims to be 16)."""
    with direct_kernel():
        check = Path(os.environ["JSII_RUNTIME"]).parent / "jsii-node-check.js"
        older = tmp_path / "older.js"
        older.write_text('Object.defineProperty(process, "version", {value: "v16.20.2"});\n')
        done = subprocess.run(["node", "--require", str(older), str(check)],
                              capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Node 16 is end-of-life" in done.stderr
    assert "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION" in done.stderr or "supported" in done.stderr


def test_a_runtime_the_user_chose_or_the_switch_wins(
    monkeypatch: pytest.MonkeyPatch, kernel_not_started: None,
) -> None:
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    monkeypatch.setenv("JSII_RUNTIME", "/their/runtime.js")
    with direct_kernel() as why_not:
        assert why_not is None  # nothing to report: the user chose
        assert os.environ["JSII_RUNTIME"] == "/their/runtime.js"
        assert "NODE_OPTIONS" not in os.environ
    monkeypatch.delenv("JSII_RUNTIME")
    monkeypatch.setenv(DIRECT_KERNEL_ENV, "0")
    with direct_kernel() as why_not:
        assert why_not is None
        assert "JSII_RUNTIME" not in os.environ


def test_another_jsii_release_keeps_its_relay_and_says_why(
    monkeypatch: pytest.MonkeyPatch, kernel_not_started: None,
) -> None:
    monkeypatch.setattr(kernel, "VERIFIED_JSII", ("0.0.1",))
    with direct_kernel() as why_not:
        assert "JSII_RUNTIME" not in os.environ
    assert why_not is not None
    assert why_not.startswith("jsii ") and why_not.endswith(
        "is not a release the direct kernel was verified on (0.0.1)")


def test_nothing_changes_once_the_kernel_runs(
    monkeypatch: pytest.MonkeyPatch, kernel_not_started: None,
) -> None:
    monkeypatch.setitem(sys.modules, "constructs._jsii", ModuleType("constructs._jsii"))
    with direct_kernel() as why_not:
        assert "JSII_RUNTIME" not in os.environ
    assert why_not == "jsii's runtime had already started"

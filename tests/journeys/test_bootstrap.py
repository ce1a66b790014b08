"""scripts/bootstrap (under every make target and cdktf.json's app) refuses a
Python other than 3.11, the one Pipfile.lock is resolved for, in one line and
before it makes anything; its long steps say what they do."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import REPO


def _project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    for script in ("bootstrap", "say-while"):
        shutil.copy2(REPO / "scripts" / script, tmp_path / "scripts" / script)
    return tmp_path


def test_another_python_is_refused_in_one_line_before_anything_is_made(tmp_path: Path) -> None:
    project = _project(tmp_path)
    python = tmp_path / "python3.12"
    python.write_text("#!/bin/sh\necho 3.12\n")  # what `python3 -c 'print(version)'` prints there
    python.chmod(0o755)
    result = subprocess.run([str(project / "scripts" / "bootstrap"), "true"], cwd=project,
                            env=dict(os.environ, PYTHON=str(python)), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {python} is Python 3.12; istio-mesh's locked dependencies are for Python 3.11: "
        "install it (apt-get install python3.11 python3.11-venv) or set PYTHON=/path/to/python3.11\n")
    assert not (project / ".venv-tools").exists() and not (project / ".venv").exists()


def test_say_while_reports_a_long_step_and_keeps_its_exit_status(tmp_path: Path) -> None:
    result = subprocess.run([str(REPO / "scripts" / "say-while"), "waiting", "sh", "-c", "sleep 3; exit 3"],
                            env=dict(os.environ, SAY_WHILE_EVERY="1"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 3
    assert result.stdout.startswith("istio-mesh: still waiting (1 s)\n")
    assert result.stderr == ""

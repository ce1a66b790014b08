"""A user's own files in config/ break no test.

The README tells users to add ``config/<name>.yaml``; CI runs ``make test``
in that same clone. In a scratch copy of the repository with a valid user
config, a half-written one and a fleet file copied from a shipped one added, the test modules that
read config/ as a whole (the default selection, the snapshots, the linter,
the export, the README walkthrough) still pass: they test the shipped
examples, by a fixed list.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import CONFIG_DIR
from scratch_repo import scratch_copy

READING_CONFIG_DIR = [
    "tests/contracts/test_snapshots.py", "tests/test_cli.py", "tests/journeys/test_readme.py", "tests/lint/test_engine.py",
    "tests/journeys/test_export_command.py", "tests/config/test_errors.py", "tests/config/test_reader.py",
    "tests/runtime/test_synth_output.py", "tests/config/test_trust_domain.py",
]
"""The modules that select config files the way a user's run does (the
default selection, every file of a folder): the ones a user's file could
reach."""


def test_the_suite_passes_with_the_users_own_config_files(tmp_path: Path) -> None:
    project = scratch_copy(tmp_path / "clone")
    config = project / "config"
    (config / "mine.yaml").write_text(
        (CONFIG_DIR / "staging.yaml").read_text().replace("context: staging", "context: mine"))
    (config / "wip.yaml").write_text("istiod:\n  replicas: [\n")  # being written: does not load
    # A copy of a shipped fleet: its cluster names clash with the original's.
    (config / "fleets" / "mine.yaml").write_text((CONFIG_DIR / "fleets" / "multi-primary.yaml").read_text())
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "MESH_CONFIG")) and k != "CDKTF_OUTDIR"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", *READING_CONFIG_DIR],
        cwd=project, env=env, capture_output=True, text=True, timeout=1800, check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]

"""main.py as users run it: exit codes, messages, and an untouched cdktf.out.

The refusals run ``istio_mesh.cli.main`` in the test process (what main.py
calls, with the same working directory and environment): a Python start
and the package import saved per case. main.py itself runs as a subprocess
where only a real process shows the behaviour: a bad config, a synthesis,
the default selection and Ctrl-C.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, Synth, copy_shipped_configs, run_in_process, tree_digest
from istio_mesh import cli


def run_main(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, str(REPO / "main.py")],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )


def main_in_process(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """What :func:`run_main` reports, from ``cli.main`` run in this process."""
    environment = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
    environment.update(env)
    return run_in_process(cli.main, [], cwd=cwd, env=environment)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A working directory with the shipped configs and an earlier cdktf.out."""
    copy_shipped_configs(tmp_path)
    previous = tmp_path / "cdktf.out" / "stacks" / "prod-mesh"
    previous.mkdir(parents=True)
    (previous / "cdk.tf.json").write_text('{"previous": "synthesis"}')
    (tmp_path / "cdktf.out" / "manifest.json").write_text("{}")
    return tmp_path


BAD_INPUTS = {
    "unknown-key": ("istiod: {replicas: 3, replica: 2}\n",
                    "bad.yaml: istiod.replica: unknown key; allowed keys: autoscaling, extraValues, "
                    "placement, replicas, resources, spread (did you mean 'replicas'?)"),
    "wrong-type": ("istiod: {replicas: [3]}\n",
                   "bad.yaml: istiod.replicas: got [3] (list); must be a valid integer"),
    "replicas-out-of-range": ("istiod: {replicas: 0}\n",
                              "bad.yaml: istiod.replicas: got 0; allowed: 1 to 20"),
    "mtls-mode": ("mtls: {mode: MUTUAL}\n",
                  "bad.yaml: mtls.mode: got 'MUTUAL' (string); must be 'STRICT', 'PERMISSIVE' or 'DISABLE'"),
    "yaml-syntax": ("istiod: {replicas: 3\n",
                    "bad.yaml: YAML syntax error at line 2, column 1: expected ',' or '}', but got '<stream end>'"),
    "empty-file": ("", "bad.yaml: file is empty; expected a mapping of settings such as 'istiod:'"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_config_exits_non_zero_without_traceback_or_output(project: Path, case: str) -> None:
    text, message = BAD_INPUTS[case]
    (project / "config" / "bad.yaml").write_text(text)
    before = tree_digest(project / "cdktf.out")
    result = main_in_process(project)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr == f"error: invalid mesh config\nconfig/{message}\n"
    assert tree_digest(project / "cdktf.out") == before


def test_main_py_refuses_a_bad_config_in_one_line_without_traceback(project: Path) -> None:
    # The cases above through main.py itself: its entry point turns the
    # refusal into exit code 2, with nothing else printed.
    text, message = BAD_INPUTS["unknown-key"]
    (project / "config" / "bad.yaml").write_text(text)
    before = tree_digest(project / "cdktf.out")
    result = run_main(project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"error: invalid mesh config\nconfig/{message}\n"
    assert tree_digest(project / "cdktf.out") == before


def test_missing_file_named_by_mesh_config(project: Path) -> None:
    before = tree_digest(project / "cdktf.out")
    result = main_in_process(project, MESH_CONFIG="config/prod.yaml,config/qa.yaml")
    assert result.returncode == 2
    assert result.stderr == "error: invalid mesh config\nconfig/qa.yaml: file not found\n"
    assert tree_digest(project / "cdktf.out") == before


def test_mesh_config_selects_files_by_glob(project: Path) -> None:
    result = run_main(project, MESH_CONFIG="config/st*.yaml")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    manifest = json.loads((project / "cdktf.out" / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == ["staging-mesh", "staging-policies"]
    # Success is not an error: it goes to stdout, and stderr stays empty, so
    # the cdktf CLI (which tags every stderr line [ERROR]) shows none.
    assert result.stdout.endswith("synthesized 2 stacks for staging\n")
    assert result.stderr == ""


def test_no_selection_synthesizes_every_cluster_and_fleet_file(
    default_synthesis: tuple[subprocess.CompletedProcess[str], Synth],
) -> None:
    result, synth = default_synthesis
    assert result.returncode == 0, result.stderr
    clusters = ["ambient", "central", "dev", "east", "edge", "prod", "staging", "west"]
    assert synth.stack_names() == sorted(
        f"{cluster}-{kind}" for cluster in clusters for kind in ("mesh", "policies"))
    assert result.stdout.splitlines()[-1] == f"synthesized 16 stacks for {', '.join(clusters)}"
    assert result.stderr == ""


# Selection and the file system: every odd input is refused at once, with one
# line naming it, exit 2, and the previous output untouched.

def test_a_selection_of_only_separators_is_refused(project: Path) -> None:
    before = tree_digest(project / "cdktf.out")
    result = main_in_process(project, MESH_CONFIG=" , ,")
    assert result.returncode == 2
    assert result.stderr == (
        "error: invalid mesh config\n"
        "MESH_CONFIG: got ' , ,', which names no file; give paths or globs separated by ','\n"
    )
    assert tree_digest(project / "cdktf.out") == before


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda path: os.mkfifo(path), "a named pipe (FIFO)"),
        (lambda path: path.mkdir(), "a directory"),
        (lambda path: path.symlink_to("/dev/zero"), "a character device"),
    ],
    ids=["fifo", "directory", "dev-zero"],
)
def test_only_regular_files_are_read(project: Path, make: Any, kind: str) -> None:
    target = project / "config" / "odd.yaml"
    make(target)
    result = main_in_process(project, MESH_CONFIG="config/odd.yaml")
    assert result.returncode == 2
    assert result.stderr == (
        "error: invalid mesh config\n"
        f"config/odd.yaml: is {kind}, not a config file; name a regular YAML file\n"
    )


def test_a_file_over_the_size_bound_is_refused_unread(project: Path) -> None:
    (project / "config" / "huge.yaml").write_text("# " + "x" * (4 * 1024 * 1024) + "\n")
    result = main_in_process(project, MESH_CONFIG="config/huge.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "config/huge.yaml: is larger than 4 MiB; a config file is a few KiB"
    )


def test_a_second_synthesis_into_the_same_output_is_refused(project: Path) -> None:
    import fcntl

    before = tree_digest(project / "cdktf.out")
    lock = project / ".cdktf.out-lock"
    with open(lock, "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running synthesis holds it
        result = main_in_process(project, MESH_CONFIG="config/staging.yaml")
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {project / 'cdktf.out'}: another synthesis is writing it "
        f"(lock {lock}); wait for it to finish\n"
    )
    assert tree_digest(project / "cdktf.out") == before


def test_ctrl_c_ends_with_one_line_and_no_traceback(project: Path) -> None:
    import signal
    import time

    before = tree_digest(project / "cdktf.out")
    env = {k: v for k, v in os.environ.items() if k != "CDKTF_OUTDIR"}
    env["MESH_CONFIG"] = "config/prod.yaml"
    process = subprocess.Popen([sys.executable, str(REPO / "main.py")], cwd=project, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Past the config checks, into synthesis: the output's lock file appears.
    # (A fixed sleep raced Python's start on a loaded machine: a signal during
    # the imports of main.py comes before run() can catch it.)
    lock = project / ".cdktf.out-lock"
    deadline = time.monotonic() + 120
    while not lock.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert lock.exists(), "main.py never reached synthesis"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == "error: interrupted; cdktf.out was left as it was"
    assert tree_digest(project / "cdktf.out") == before

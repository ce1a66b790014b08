"""``istio-mesh`` / ``python -m istio_mesh`` (istio_mesh.__main__): ``check``
lints the selected configs and prints the upgrade notes, ``export argocd``
writes the Argo CD export. This file runs ``main([...])`` in the test
process (conftest.run_in_process: its own working folder and environment)
and checks the argument parsing, the exit codes (0 clean, 1 lint errors or,
with --strict, warnings, 2 a config or output that is refused) and what goes
to stdout and to stderr."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import CONFIG_DIR, FIXTURES, run_in_process
from istio_mesh.__main__ import main

CLEAN = "environment: development\n"
"""A config the linter finds nothing in."""

UNSET = (FIXTURES / "lint" / "environment-unset.yaml").read_text()
"""One warning: environment-unset."""

PERMISSIVE = (FIXTURES / "lint" / "prod-mtls-not-strict.yaml").read_text()
"""One error: prod-mtls-not-strict."""


def _project(tmp_path: Path, **files: str) -> Path:
    (tmp_path / "config").mkdir()
    for name, text in files.items():
        (tmp_path / "config" / f"{name}.yaml").write_text(text)
    return tmp_path


def _run(project: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
    environment.update(env)
    return run_in_process(main, list(argv), cwd=project, env=environment)


# -- argument parsing ----------------------------------------------------------------


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert "usage: istio-mesh" in capsys.readouterr().err


def test_export_needs_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export"])
    assert exited.value.code == 2
    assert "usage: istio-mesh export" in capsys.readouterr().err


def test_an_unknown_export_target_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export", "flux"])
    assert exited.value.code == 2
    assert "invalid choice: 'flux'" in capsys.readouterr().err


def test_from_with_two_files_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    result = _run(tmp_path, "check", "a.yaml", "b.yaml", "--from", "old.yaml")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: --from compares two configs: name exactly one FILE after it\n"


# -- check -------------------------------------------------------------------------------


def test_check_of_the_default_selection_reports_on_stdout_and_exits_0(tmp_path: Path) -> None:
    _project(tmp_path, dev=CLEAN)
    result = _run(tmp_path, "check")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "checked 1 file: 0 errors, 0 warnings, 0 waived; Istio data 1.30.3\n"


def test_a_warning_exits_0_and_with_strict_exits_1(tmp_path: Path) -> None:
    project = _project(tmp_path, unset=UNSET)
    plain, strict = _run(project, "check"), _run(project, "check", "--strict")
    assert (plain.returncode, strict.returncode) == (0, 1)
    assert plain.stdout == strict.stdout
    assert plain.stdout.startswith("config/unset.yaml: warning [environment-unset] environment: is not set")
    assert plain.stdout.endswith("checked 1 file: 0 errors, 1 warning, 0 waived; Istio data 1.30.3\n")
    assert plain.stderr == strict.stderr == ""


def test_a_lint_error_exits_1(tmp_path: Path) -> None:
    result = _run(_project(tmp_path, prod=PERMISSIVE), "check")
    assert result.returncode == 1
    assert "config/prod.yaml: error [prod-mtls-not-strict] mtls.mode: is PERMISSIVE" in result.stdout
    assert result.stdout.endswith("checked 1 file: 1 error, 0 warnings, 0 waived; Istio data 1.30.3\n")
    assert result.stderr == ""


def test_named_files_are_checked_instead_of_the_selection(tmp_path: Path) -> None:
    project = _project(tmp_path, prod=PERMISSIVE)
    (project / "clean.yaml").write_text(CLEAN)
    result = _run(project, "check", "clean.yaml")
    assert (result.returncode, result.stdout) == (
        0, "checked 1 file: 0 errors, 0 warnings, 0 waived; Istio data 1.30.3\n")


def test_an_invalid_config_goes_to_stderr_and_exits_2(tmp_path: Path) -> None:
    result = _run(_project(tmp_path, dev=CLEAN, bad="istiod: {replicas: -1}\n"), "check")
    assert result.returncode == 2
    assert result.stderr == ("error: invalid mesh config\n"
                             "config/bad.yaml: istiod.replicas: got -1; allowed: 1 to 20\n")
    assert result.stdout == ("checked 2 files: 0 errors, 0 warnings, 0 waived, 1 invalid config; "
                             "Istio data 1.30.3\n")
    assert "Traceback" not in result.stderr


def test_a_mesh_config_that_matches_nothing_exits_2(tmp_path: Path) -> None:
    result = _run(tmp_path, "check", MESH_CONFIG="nothere/*.yaml")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: invalid mesh config\nnothere/*.yaml: MESH_CONFIG glob matches no file\n"


def test_check_from_an_older_config_prints_the_upgrade_notes_of_the_move(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text("environment: development\nistio: {version: '1.29.6'}\n")
    (tmp_path / "new.yaml").write_text("environment: development\nistio: {version: '1.30.3'}\n")
    result = _run(tmp_path, "check", "new.yaml", "--from", "old.yaml")
    assert result.returncode == 0
    assert "upgrade notes for old.yaml -> new.yaml (Istio 1.29 -> 1.30): " in result.stdout
    assert "[xds-debug-endpoints-authenticated]" in result.stdout


# -- export argocd ------------------------------------------------------------------------


def test_export_writes_the_selection_and_says_so_on_stdout(tmp_path: Path) -> None:
    project = _project(tmp_path, dev=(CONFIG_DIR / "dev.yaml").read_text())
    result = _run(project, "export", "argocd")
    assert (result.returncode, result.stderr) == (0, "")
    # README, istio-base's and istiod's Applications, the sandbox namespace, the root PeerAuthentication
    assert result.stdout == "exported 5 files for dev to build/argocd\n"
    assert (project / "build" / "argocd" / "dev" / "applications" / "dev-istiod.yaml").is_file()


def test_export_writes_where_out_says(tmp_path: Path) -> None:
    project = _project(tmp_path, dev=CLEAN)
    result = _run(project, "export", "argocd", "--out", "gitops")
    assert result.stdout == "exported 4 files for dev to gitops\n"
    assert (project / "gitops" / "dev" / "README.md").is_file()


def test_export_of_an_invalid_config_writes_nothing_and_exits_2(tmp_path: Path) -> None:
    project = _project(tmp_path, dev=CLEAN, bad="istiod: {replicas: -1}\n")
    result = _run(project, "export", "argocd")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("error: invalid mesh config\n"
                             "config/bad.yaml: istiod.replicas: got -1; allowed: 1 to 20\n")
    assert not (project / "build").exists()


def test_export_into_a_folder_it_did_not_write_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path, dev=CLEAN)
    (project / "mine").mkdir()
    (project / "mine" / "notes.txt").write_text("keep\n")
    result = _run(project, "export", "argocd", "--out", "mine")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("error: output folder refused\nmine: is a folder of files this "
                                    "command did not write (no .istio-mesh-output marker)")
    assert [p.name for p in (project / "mine").iterdir()] == ["notes.txt"]

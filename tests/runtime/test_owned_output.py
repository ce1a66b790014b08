"""No command deletes a file it did not write.

Every writer (the export, the synthesis, the deploy picture, the config
reference, the benchmark) is run against a folder of unrelated files, a
scratch copy of a project root and an empty path, and every file is compared
by digest before and after. Everything runs in temporary folders: the
checkout is never a target.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import CONFIG_DIR, REPO, run_in_process
import config_reference as reference  # tools/config_reference.py
from istio_mesh import cli
from istio_mesh.__main__ import main as istio_mesh_main
from istio_mesh.runtime.owned_output import MARKER, OutputRefused, Writer, replace_file, replacing, vet

sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "tools" / "bench"))
import bench_run  # noqa: E402
import deploy_picture  # noqa: E402

WRITER = Writer("test writer")


def digest(root: Path) -> dict[str, str]:
    """Every file, folder and link under ``root``, with its content's hash."""
    out = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            out[key] = "link -> " + os.readlink(path)
        elif path.is_file():
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[key] = "folder"
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project: the shipped configs, a .git, a pyproject.toml, and
    a folder of the user's own files."""
    root = tmp_path / "project"
    (root / "config" / "fleets").mkdir(parents=True)
    for path in [*CONFIG_DIR.glob("*.yaml"), *CONFIG_DIR.glob("fleets/*.yaml")]:
        shutil.copy(path, root / path.relative_to(REPO))
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (root / "notes").mkdir()
    (root / "notes" / "plan.txt").write_text("my own notes\n")
    (root / "notes" / "deep" / "data.bin").parent.mkdir()
    (root / "notes" / "deep" / "data.bin").write_bytes(b"\x00\x01")
    (root / "notes" / ".hidden").write_text("x")
    return root


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MESH_CONFIG", "CDKTF_OUTDIR")}
    env.update(extra)
    return env


def _not_refused(*_: Any, **__: Any) -> Any:
    raise AssertionError("the writer went on to do its work instead of refusing the target")


def run_writer(name: str, project: Path, out: str, monkeypatch: pytest.MonkeyPatch) -> subprocess.CompletedProcess[str]:
    """One writer, in ``project``, told to write ``out``; whatever it would do
    after a refusal that did not come fails the test at once."""
    entries: dict[str, tuple[Callable[[Sequence[str]], int], list[str], dict[str, str]]] = {
        "export": (istio_mesh_main, ["export", "argocd", "--out", out], _environment()),
        "synth": (cli.main, [], _environment(CDKTF_OUTDIR=out)),
        "graph": (deploy_picture.main, ["--out", out], _environment()),
        "reference": (reference.main, ["--out", out], _environment()),
        "bench": (bench_run.main, ["--out", out, "--repeat", "1"], _environment()),
    }
    monkeypatch.setattr(cli, "quiet_cdktf_deprecation", _not_refused)
    monkeypatch.setattr(deploy_picture, "_draw_all", _not_refused)
    monkeypatch.setattr(bench_run, "machine", _not_refused)
    entry, argv, env = entries[name]
    return run_in_process(entry, argv, cwd=project, env=env)


WRITERS = ["export", "synth", "graph", "reference", "bench"]
TARGETS = ["notes", ".", "", "{project}"]
# The synthesis takes its folder from CDKTF_OUTDIR, where empty means unset
# (cdktf.out; see the test after this one); every other writer takes --out.
CASES = [(w, t) for w in WRITERS for t in TARGETS if (w, t) != ("synth", "")]


@pytest.mark.parametrize(("writer", "target"), CASES)
def test_no_writer_touches_a_folder_it_did_not_write(
    writer: str, target: str, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = target.format(project=project)
    before = digest(project.parent)
    result = run_writer(writer, project, out, monkeypatch)
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("error: output"), result.stderr
    assert lines[1].startswith(f"{out or repr('')}: "), lines
    assert "Traceback" not in result.stderr
    assert digest(project.parent) == before


def test_an_empty_cdktf_outdir_means_cdktf_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from istio_mesh.runtime.synth_output import target_outdir

    monkeypatch.setenv("CDKTF_OUTDIR", "")
    assert target_outdir() == Path("cdktf.out")


# --------------------------------------------- every kind of refused target


def _refusal(target: str, project: Path) -> str:
    with pytest.raises(OutputRefused) as caught:
        vet(target, WRITER)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("make", "target", "expected"), [
    (lambda p: None, "notes", "a folder of files this command did not write"),
    (lambda p: None, ".", "is or holds the working directory"),
    (lambda p: None, "..", "is or holds the working directory"),
    (lambda p: None, "", "an empty path"),
    (lambda p: None, "   ", "an empty path"),
    (lambda p: None, "/", "file system root"),
    (lambda p: None, "config", "which this command reads"),
    (lambda p: None, "config/out", "which this command reads"),
    (lambda p: None, "out\nput", "control character"),
    (lambda p: None, "out\x1b[2Jput", "control character"),
    (lambda p: None, "pyproject.toml", "is a file, not a folder"),
    (lambda p: (p / "link").symlink_to(p / "notes"), "link", "symbolic link"),
    (lambda p: (p / "dangling").symlink_to(p / "nowhere"), "dangling", "symbolic link"),
    (lambda p: shutil.copytree(p, p / "copy", ignore=shutil.ignore_patterns("copy")), "copy",
     "project's root folder (it holds .git)"),
    (lambda p: (p / "theirs").mkdir() or (p / "theirs" / MARKER).write_text("written by: other\n"),
     "theirs", "holds the output of 'other'"),
])
def test_every_kind_of_target_that_is_not_the_commands_own_is_refused(
    make: Callable[[Path], object], target: str, expected: str, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    make(project)
    before = digest(project.parent)
    assert expected in _refusal(target, project)
    assert digest(project.parent) == before


def test_the_home_folder_and_the_folder_holding_it_are_refused(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home" / "user"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(project)
    assert "is or holds the home folder" in _refusal(str(home), project)
    assert "is or holds the home folder" in _refusal(str(home.parent), project)


def test_a_control_character_is_escaped_in_the_message(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    assert _refusal("out\nput", project).startswith("'out\\nput': ")


# ------------------------------------------------------- what may be replaced


def test_a_new_folder_gets_the_output_and_the_marker(tmp_path: Path) -> None:
    with replacing(tmp_path / "a" / "out", WRITER) as staging:
        (staging / "file").write_text("new")
    assert digest(tmp_path / "a" / "out").keys() == {MARKER, "file"}
    assert (tmp_path / "a" / "out" / MARKER).read_text().startswith("written by: test writer\n")


def test_an_empty_folder_and_the_commands_own_output_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for text in ("first", "second"):
        with replacing(out, WRITER) as staging:
            (staging / text).write_text(text)
        assert sorted(p.name for p in out.iterdir()) == [MARKER, text]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no hidden folder left


def test_output_from_before_the_marker_is_recognised_by_its_writer(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old").write_text("x")
    with pytest.raises(OutputRefused):
        vet(out, WRITER)
    with replacing(out, Writer("test writer", earlier_output=lambda f: (f / "old").is_file())) as staging:
        (staging / "new").write_text("y")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "new"]


def test_an_export_from_before_the_marker_is_replaced(project: Path) -> None:
    env = _environment()
    assert run_in_process(istio_mesh_main, ["export", "argocd", "--out", "gitops"], cwd=project, env=env).returncode == 0
    (project / "gitops" / MARKER).unlink()  # as an earlier version wrote it
    result = run_in_process(istio_mesh_main, ["export", "argocd", "--out", "gitops"], cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    (project / "gitops" / "prod" / "mine.txt").write_text("added by hand")
    (project / "gitops" / MARKER).unlink()
    before = digest(project / "gitops")
    result = run_in_process(istio_mesh_main, ["export", "argocd", "--out", "gitops"], cwd=project, env=env)
    assert result.returncode == 2  # a cluster folder holds a file the export did not write...
    assert digest(project / "gitops") == before  # ...so nothing is replaced


def test_a_cdktf_out_from_before_the_marker_is_recognised_by_its_shape(tmp_path: Path) -> None:
    from istio_mesh.runtime.synth_output import earlier_synthesis

    out = tmp_path / "cdktf.out"
    (out / "stacks" / "prod-mesh").mkdir(parents=True)
    assert earlier_synthesis(out)  # only stacks/, as a run interrupted early leaves it
    (out / "manifest.json").write_text('{"version": "0.21.0", "stacks": {"prod-mesh": {}}}')
    (out / "stacks" / "prod-mesh" / "cdk.tf.json").write_text("{}")
    assert earlier_synthesis(out)
    (out / "notes.txt").write_text("mine")
    assert not earlier_synthesis(out)  # a file cdktf never writes
    (out / "notes.txt").unlink()
    (out / "stacks" / "readme.md").write_text("mine")
    assert not earlier_synthesis(out)
    (out / "stacks" / "readme.md").unlink()
    (out / "manifest.json").write_text("not json")
    assert not earlier_synthesis(out)


def test_a_results_folder_from_before_the_marker_is_the_benchmarks(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text(json.dumps({"command": "make bench BENCH_REPEAT=1"}))
    assert bench_run.earlier_results(tmp_path)
    (tmp_path / "results.json").write_text(json.dumps({"command": "something else"}))
    assert not bench_run.earlier_results(tmp_path)


def test_the_committed_output_folders_carry_their_writers_marker() -> None:
    from istio_mesh.runtime.owned_output import written_by

    assert written_by(REPO / "docs" / "graph") == deploy_picture.COMMAND
    assert written_by(REPO / "benchmarks") == bench_run.COMMAND


# ----------------------------------------------------------- interruptions


def _earlier_output(tmp_path: Path) -> Path:
    """``tmp_path/out``, written once by :data:`WRITER`."""
    out = tmp_path / "out"
    with replacing(out, WRITER) as staging:
        (staging / "old").write_text("old")
    return out


def test_ctrl_c_while_writing_leaves_the_previous_output_whole(tmp_path: Path) -> None:
    out = _earlier_output(tmp_path)
    before = digest(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        with replacing(out, WRITER) as staging:
            (staging / "half").write_text("half")
            raise KeyboardInterrupt
    assert digest(tmp_path) == before


def test_ctrl_c_during_the_swap_waits_until_the_new_output_is_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _earlier_output(tmp_path)
    real_rename = Path.rename

    def rename(self: Path, target: Any) -> Path:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C between the two renames
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        with replacing(out, WRITER) as staging:
            (staging / "new").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "new"]


# ----------------------------------------------------------- unwritable


def _locked(monkeypatch: pytest.MonkeyPatch, folders: Sequence[Path]) -> None:
    """Make ``folders`` unwritable. Root may write anywhere, so for root the
    kernel's answer is stood in for: ``os.access`` says no, and creating or
    renaming anything in them fails as it would for another user."""
    for folder in folders:
        os.chmod(folder, 0o555)
    if os.geteuid() != 0:
        return
    locked = [f.resolve() for f in folders]

    def inside(path: Any) -> bool:
        resolved = Path(path).absolute()
        return resolved in locked or resolved.parent in locked

    real_access, real_mkdir, real_rename = os.access, Path.mkdir, Path.rename

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        return not (mode & os.W_OK and Path(path).absolute() in locked) and real_access(path, mode, **kwargs)

    def mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        if inside(self) and not self.exists():
            raise PermissionError(13, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)

    def rename(self: Path, target: Any) -> Path:
        if inside(self) or inside(target):
            raise PermissionError(13, "Permission denied", str(self))
        return real_rename(self, target)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setattr(Path, "rename", rename)


@pytest.mark.parametrize("case", ["parent", "output", "unchecked"])
def test_an_unwritable_folder_is_one_line_exit_2_and_leaves_nothing_behind(
    case: str, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = project / "locked"
    locked.mkdir()
    if case == "output":  # an earlier export the user may not change
        (locked / MARKER).write_text("written by: python -m istio_mesh export argocd\n")
        (locked / "prod").mkdir()
        (locked / "prod" / "README.md").write_text("old\n")
        target, folders = "locked", [locked / "prod"]
    else:
        target, folders = "locked/out", [locked]
    try:
        _locked(monkeypatch, folders)
        if case == "unchecked":  # the check before writing misses it: the write fails
            monkeypatch.setattr(os, "access", lambda *args, **kwargs: True)
        before = digest(project)
        result = run_in_process(istio_mesh_main, ["export", "argocd", "--out", target],
                                cwd=project, env=_environment())
        assert result.returncode == 2, result
        assert "Traceback" not in result.stderr
        (_, line) = result.stderr.splitlines()
        assert line.startswith(f"{target}: cannot be "), line
        assert "not writable" in line or "permission denied" in line
        assert digest(project) == before
    finally:
        for folder in folders:
            os.chmod(folder, 0o755)


def test_a_disk_error_while_swapping_is_one_line_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _earlier_output(tmp_path)
    before = digest(tmp_path)

    def full(self: Path, target: Any) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "rename", full)
    with pytest.raises(OutputRefused, match=r"out: cannot be written \(no space left on device\)"):
        with replacing(out, WRITER) as staging:
            (staging / "new").write_text("new")
    assert digest(tmp_path) == before


# ----------------------------------------------------------- one file


def test_the_reference_replaces_only_an_earlier_reference(tmp_path: Path) -> None:
    out = tmp_path / "reference.md"
    assert run_in_process(reference.main, ["--out", str(out)], cwd=tmp_path, env=_environment()).returncode == 0
    assert out.read_text() == reference.render()
    out.write_text(reference.render() + "\nedited\n")
    assert run_in_process(reference.main, ["--out", str(out)], cwd=tmp_path, env=_environment()).returncode == 0
    assert out.read_text() == reference.render()
    mine = tmp_path / "mine.md"
    mine.write_text("# my notes\n")
    result = run_in_process(reference.main, ["--out", str(mine)], cwd=tmp_path, env=_environment())
    assert result.returncode == 2
    assert mine.read_text() == "# my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.md", "reference.md"]


def test_a_single_file_writer_refuses_links_and_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real.md").write_text("own")
    (tmp_path / "link.md").symlink_to(tmp_path / "real.md")
    for target, expected in (("link.md", "symbolic link"), (".", "is a folder"), ("", "an empty path")):
        with pytest.raises(OutputRefused, match=expected):
            replace_file(target, "new", WRITER, lambda text: True)
    assert (tmp_path / "real.md").read_text() == "own"

"""Every command that writes a folder owns it, and replaces nothing else.

A command's output folder is replaced as a whole: that is what keeps a run
all-or-nothing and drops files of clusters no longer selected. Replacing a
folder deletes what is in it, so a command only ever replaces its own
earlier output:

- the new output is written into a fresh hidden folder beside the target and
  swapped in with two renames once it is complete; a failure or Ctrl-C before
  that leaves the previous output whole, and the hidden folder is removed;
- a marker file (:data:`MARKER`) in the output names the command that wrote
  it; a folder whose marker names this command, an empty folder, or a folder
  the command recognises as its output from before markers existed, may be
  replaced. Anything else is refused before any work is done
  (:class:`OutputRefused`): a folder of other files, another command's
  output, a file, a symbolic link, the project root, ``config/``, the home
  folder, ``/``, the working directory or a folder holding it, an empty
  path, and a path with control characters.

:func:`replace_file` does the same for a command that writes one file: the
file's own text identifies it as the command's output.

Standard library only, plus the one function messages name files with.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from istio_mesh.config.errors import shown_file

MARKER = ".istio-mesh-output"
"""The file in an output folder that names the command that wrote it."""

_WRITER_LINE = "written by: "

PROJECT_FILES = (".git", "pyproject.toml", "Pipfile", "cdktf.json")
"""A folder holding one of these is a project's root, never an output."""

CONFIG_FOLDER = "config"
"""The cluster files' folder (under the working directory); never an output."""


class OutputRefused(Exception):
    """The target cannot be (re)placed; ``str()`` is one line naming it, why,
    and what to do instead."""


@dataclass(frozen=True)
class Writer:
    """A command that writes an output folder.

    ``command`` is how a user runs it (written into the marker, and named in
    messages). ``earlier_output`` recognises a folder the command wrote
    before it wrote markers, so that upgrading does not make a user delete
    it by hand; ``inputs`` are files and folders the command reads, which no
    output may be, hold or sit in.
    """

    command: str
    earlier_output: Callable[[Path], bool] | None = None
    inputs: Sequence[Path] = field(default=())


def marker_text(writer: Writer) -> str:
    """What :data:`MARKER` holds: who wrote the folder, and the warning a
    reader of the folder needs."""
    return (
        f"{_WRITER_LINE}{writer.command}\n"
        "The next run replaces this folder as a whole: files added here are lost.\n"
    )


def written_by(folder: Path) -> str | None:
    """The command named in ``folder``'s marker, or None without one."""
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    try:
        first = marker.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
    except OSError:
        return None
    if first and first[0].startswith(_WRITER_LINE):
        return first[0][len(_WRITER_LINE):].strip()
    return None


def _refuse(target: str | Path, why: str, fix: str) -> OutputRefused:
    return OutputRefused(f"{shown_file(target)}: {why}; {fix}")


def _contains(folder: Path, other: Path) -> bool:
    return other == folder or folder in other.parents


def vet(target: Path | str, writer: Writer) -> Path:
    """The absolute path to write, or :class:`OutputRefused` saying why not.

    Cheap and side-effect free: commands call it before they do any work, so
    a refused target costs nothing, and :func:`replacing` calls it again just
    before it writes.
    """
    text = os.fspath(target)
    fix = "give a new or empty folder, or this command's own earlier output"
    if not text.strip():
        raise _refuse(text, "an empty path names the working directory", fix)
    if not text.isprintable():
        raise _refuse(text, "the path holds a control character", "give a path of printable characters")
    absolute = Path(os.path.abspath(text))
    if absolute.is_symlink():
        raise _refuse(
            text, "is a symbolic link; the link would be replaced, not the folder it points to",
            "give the folder it points to")
    # Symbolic links above the target are followed, so that both renames
    # happen in the real parent folder.
    real = absolute.parent.resolve() / absolute.name if absolute.name else absolute
    if real == Path(real.anchor):
        raise _refuse(text, "is the file system root", fix)
    for name, kept in (("the home folder", Path.home()), ("the working directory", Path.cwd())):
        with suppress(OSError, RuntimeError):
            if _contains(real, kept.resolve()):
                raise _refuse(text, f"is or holds {name}", fix)
    for source in (Path(CONFIG_FOLDER), *writer.inputs):
        resolved = source.absolute().resolve()
        where = "is" if real == resolved else "holds" if _contains(real, resolved) else "is inside"
        if _contains(real, resolved) or _contains(resolved, real):
            raise _refuse(text, f"{where} {shown_file(source)}, which this command reads", fix)
    if real.exists() and not real.is_dir():
        raise _refuse(text, "is a file, not a folder", "give a folder")
    _writable(text, real)
    if not real.exists():
        return real
    project = [name for name in PROJECT_FILES if (real / name).exists() or (real / name).is_symlink()]
    if project:
        raise _refuse(text, f"is a project's root folder (it holds {project[0]})", fix)
    owner = written_by(real)
    if owner == writer.command:
        _replaceable(text, real)
        return real
    if owner is not None:
        raise _refuse(text, f"holds the output of {owner!r}, not of {writer.command!r}", fix)
    try:
        empty = not any(real.iterdir())
    except OSError as exc:
        raise _refuse(text, f"cannot be read ({exc.strerror or exc})", fix) from None
    if empty or (writer.earlier_output is not None and writer.earlier_output(real)):
        _replaceable(text, real)
        return real
    raise _refuse(
        text,
        f"is a folder of files this command did not write (no {MARKER} marker)",
        f"{fix}; nothing was changed",
    )


def _writable(text: str, real: Path) -> None:
    """The new output is created beside the target: its folder (or the
    nearest one that exists) must be writable."""
    parent = real.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise _refuse(text, f"cannot be created: {shown_file(parent)} is not a folder", "give another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _refuse(text, f"cannot be written ({shown_file(parent)} is not writable)",
                      "give a folder you can write to")


def _replaceable(text: str, real: Path) -> None:
    """Replacing the previous output deletes it: every folder in it must be
    writable, or the swap would leave it half-deleted beside the new one."""
    for folder, _, _ in os.walk(real):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise _refuse(text, f"cannot be replaced ({shown_file(folder)} is not writable)",
                          "give a folder you can write to; nothing was changed")


@contextmanager
def replacing(target: Path | str, writer: Writer) -> Iterator[Path]:
    """A new empty folder beside ``target`` to write the output into.

    When the block ends without an exception, the folder gets the marker
    and replaces ``target`` (see the module docstring); otherwise it is
    deleted and ``target`` is left as it was. A target that may not be
    replaced raises :class:`OutputRefused` before the block runs, as does a
    folder that cannot be written (one line, no leftover folder).
    """
    real = vet(target, writer)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        staging = _sibling(real, "new")
        staging.mkdir()
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        yield staging
        try:
            (staging / MARKER).write_text(marker_text(writer), encoding="utf-8")
            real = vet(target, writer)  # nothing else took its place meanwhile
            with _interrupts_deferred():
                _swap_in(staging, real)
        except OSError as exc:
            raise _cannot_write(target, exc) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def replace_file(target: Path | str, text: str, writer: Writer, is_own: Callable[[str], bool]) -> Path:
    """Write one file whole: a fresh hidden file beside it, then one rename.

    An existing file is replaced only if ``is_own`` recognises its text as
    this command's output; every folder, link and other file is refused as
    in :func:`vet`.
    """
    raw = os.fspath(target)
    if not raw.strip() or not raw.isprintable():
        vet(raw, writer)  # the same refusal as for a folder
    absolute = Path(os.path.abspath(raw))
    if absolute.is_symlink():
        raise _refuse(raw, "is a symbolic link", "give the file it points to")
    if absolute.is_dir():
        raise _refuse(raw, "is a folder, not a file", "give a file name")
    real = absolute.parent.resolve() / absolute.name
    for source in (Path(CONFIG_FOLDER), *writer.inputs):
        if _contains(source.absolute().resolve(), real):
            raise _refuse(raw, f"sits in {shown_file(source)}, which this command reads",
                          "give a file elsewhere")
    if real.exists():
        try:
            own = real.is_file() and is_own(real.read_text(encoding="utf-8", errors="replace"))
        except OSError as exc:
            raise _cannot_write(raw, exc) from None
        if not own:
            raise _refuse(raw, "is a file this command did not write",
                          "give a new file name or this command's own earlier output; nothing was changed")
    staging = _sibling(real, "new")
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        staging.write_text(text, encoding="utf-8")
        with _interrupts_deferred():
            os.replace(staging, real)
    except OSError as exc:
        raise _cannot_write(raw, exc) from None
    finally:
        with suppress(FileNotFoundError):
            staging.unlink()
    return real


def _cannot_write(target: Path | str, exc: OSError) -> OutputRefused:
    reason = exc.strerror or str(exc)
    return _refuse(target, f"cannot be written ({reason.lower()})",
                   "give a folder you can write to; the previous output is unchanged")


def _sibling(target: Path, purpose: str) -> Path:
    # Same parent, so that the rename cannot cross a file system; hidden, so
    # that a run killed before clean-up leaves nothing in plain sight.
    return target.parent / f".{target.name}.{purpose}-{os.getpid()}-{secrets.token_hex(4)}"


def _swap_in(staging: Path, real: Path) -> None:
    """Two renames; if the second fails, the first is undone. The previous
    output is deleted only once the new one is in place."""
    if not real.exists():
        staging.rename(real)
        return
    previous = _sibling(real, "previous")
    real.rename(previous)
    try:
        staging.rename(real)
    except BaseException:
        previous.rename(real)
        raise
    shutil.rmtree(previous, ignore_errors=True)


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold back Ctrl-C during the swap, and raise it once the swap is done:
    an interrupt between the two renames would leave no output at all.
    Only the main thread receives signals, so elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        pending.append(signum)

    before = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
    if pending:
        raise KeyboardInterrupt


__all__ = [
    "MARKER",
    "OutputRefused",
    "Writer",
    "marker_text",
    "replace_file",
    "replacing",
    "vet",
    "written_by",
]

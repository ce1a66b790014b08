"""Put a synthesis in place all at once, or leave the previous one untouched.

cdktf writes its output directory file by file. A run that fails or is
interrupted half-way would leave a mix of old and new stacks, and a later
``cdktf deploy`` would plan from it. Here the app synthesizes into a fresh
directory beside the target and swaps it in only when synthesis succeeded;
until that rename the previous output is never touched.

The target is ``$CDKTF_OUTDIR`` when set (the cdktf CLI sets it to the
``output`` of cdktf.json when it runs the app), else ``cdktf.out``. As every
writer of the project, the synthesis replaces only its own earlier output
(:mod:`istio_mesh.runtime.owned_output`): a folder with its marker, an empty one, or
a cdktf output written before the marker existed (``manifest.json`` and
``stacks/`` only), so that upgrading needs no step.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from istio_mesh.runtime.owned_output import Writer, replacing

OUTDIR_ENV = "CDKTF_OUTDIR"
DEFAULT_OUTDIR = "cdktf.out"
STACKS_FOLDER = "stacks"


MANIFEST = "manifest.json"


def earlier_synthesis(folder: Path) -> bool:
    """A cdktf output from before the marker, by its shape: nothing but
    ``manifest.json`` (a JSON object) and ``stacks/`` (a folder of stack
    folders), either of which may be missing."""
    entries = {entry.name: entry for entry in folder.iterdir()}
    if not entries or not set(entries) <= {MANIFEST, STACKS_FOLDER}:
        return False
    if MANIFEST in entries:
        try:
            manifest = json.loads(entries[MANIFEST].read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if entries[MANIFEST].is_symlink() or not isinstance(manifest, dict):
            return False
    stacks = entries.get(STACKS_FOLDER)
    if stacks is not None and (stacks.is_symlink() or not stacks.is_dir()):
        return False
    return stacks is None or all(s.is_dir() and not s.is_symlink() for s in stacks.iterdir())


SYNTH_WRITER = Writer("python main.py", earlier_output=earlier_synthesis)
"""The synthesis as the owner of its output folder (also when the cdktf CLI
runs it)."""


def target_outdir() -> Path:
    """Where the synthesis must end up: the cdktf CLI's choice, else cdktf.out."""
    return Path(os.environ.get(OUTDIR_ENV) or DEFAULT_OUTDIR)


def run_by_cdktf_cli() -> bool:
    """Whether the cdktf CLI started this run (it always sets CDKTF_OUTDIR)."""
    return bool(os.environ.get(OUTDIR_ENV))


class OutputBusy(Exception):
    """Another synthesis holds the output's lock."""


@contextmanager
def exclusive(outdir: Path) -> Iterator[None]:
    """Hold ``outdir``'s lock (a hidden file beside it) for the block, or raise
    :class:`OutputBusy` at once: two synths into one output would otherwise
    both report success while the last one to finish silently wins."""
    outdir = Path(outdir).absolute()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    lock = outdir.parent / f".{outdir.name}-lock"
    with open(lock, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusy(f"{outdir}: another synthesis is writing it (lock {lock}); "
                             f"wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def staged_output(outdir: Path, *, keep_stale_stacks: bool = False) -> Iterator[Path]:
    """A new empty directory beside ``outdir`` to synthesize into.

    When the block ends without an exception the directory replaces
    ``outdir``; otherwise it is deleted and ``outdir`` stays byte-identical.
    The new output holds only the stacks just synthesized, so stacks of
    configs not selected this time disappear with the old directory. What
    Terraform keeps in a stack's folder (``.terraform/`` with the providers,
    ``.terraform.lock.hcl``, saved plans) is carried over to the new folder
    of the same stack, so a deploy after a synth needs no new download and
    keeps its locked provider versions.

    ``keep_stale_stacks`` carries the stale stack folders over as well: the
    cdktf CLI lists the folders before it runs the app and deletes the ones
    not in the new manifest afterwards, and it fails if one is already gone.
    """
    # Absolute: the jsii runtime that writes the files is a separate process,
    # whose working directory need not be this one's.
    outdir = Path(outdir).absolute()
    with replacing(outdir, SYNTH_WRITER) as staging:
        yield staging
        _carry_over(outdir, staging, keep_stale_stacks=keep_stale_stacks)


def _carry_over(outdir: Path, staging: Path, *, keep_stale_stacks: bool) -> None:
    old_stacks = outdir / STACKS_FOLDER
    if not old_stacks.is_dir():
        return
    for old in sorted(old_stacks.iterdir()):
        new = staging / STACKS_FOLDER / old.name
        if not old.is_dir():
            continue
        if new.is_dir():
            for entry in sorted(old.iterdir()):
                if not (new / entry.name).exists() and not (new / entry.name).is_symlink():
                    _link_copy(entry, new / entry.name)
        elif keep_stale_stacks:
            _link_copy(old, new)


def _link_copy(source: Path, target: Path) -> None:
    """Copy by hard links where the filesystem allows: provider binaries are
    large, and the old tree must stay intact until the swap."""
    if source.is_symlink():
        target.symlink_to(os.readlink(source))
    elif source.is_dir():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(str(source), str(target))


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)

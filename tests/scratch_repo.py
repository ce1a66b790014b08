"""A scratch copy of this repository, for tests that must run things as a user
would in a clone without touching the working tree: the files git would
commit (tracked and untracked, minus what .gitignore leaves out), with the
built environments (.venv, .venv-tools, node_modules, .tools) linked rather
than built again."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILT = (".venv", ".venv-tools", "node_modules", ".tools")
"""Built from the lock files by ``make install`` / ``make helm``; linked."""
UNCOPIED = {*BUILT, ".git", "build", "dist", "cdktf.out", ".pytest_cache", ".mypy_cache", ".hypothesis"}


def _source_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=False,
    )
    if listed.returncode == 0:
        return [REPO / name for name in listed.stdout.decode().split("\0") if name]
    # Not a git checkout (an unpacked archive): everything but what is built.
    return [p for p in REPO.rglob("*") if p.is_file()
            and not UNCOPIED & set(p.relative_to(REPO).parts) and "__pycache__" not in p.parts]


def scratch_copy(dest: Path) -> Path:
    """The repository's files copied to ``dest``; returns ``dest``."""
    for source in _source_files():
        if not source.is_file():  # deleted in the working tree, not yet in git
            continue
        target = dest / source.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    for name in BUILT:
        if (REPO / name).exists():
            os.symlink(REPO / name, dest / name)
    return dest

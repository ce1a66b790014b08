"""Every shell command the README, docs/ and the examples' READMEs show runs as
written.

The commands are the ```sh / ```bash blocks of those pages. Each is either
run or left out by :data:`NOT_RUN`, an explicit list of what needs a cluster,
a deployed stack's state, the user's own secrets, or would run this suite
inside itself, each with its reason; nothing else is left out. Running them
takes minutes (installs, a cold type-check, the fuzz and benchmark runs), so
``make test-docs`` runs them (``pytest -m docs``, CI runs it); ``make test``
checks that every command is classified and that no page hides a command in
an untagged block.

They run as a user on a fresh clone would: each block as one bash script
(``set -e``), from the root of a scratch copy of the repository (the built
.venv and node_modules linked, not rebuilt), with the user's PATH (not the
one this suite puts the pinned Node on) and no MESH_CONFIG. A command must
leave every file of the repository as it was: ``make graph`` redraws the
committed pictures byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO
from scratch_repo import BUILT, scratch_copy

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted((REPO / "examples").rglob("README.md"))]
FENCE = re.compile(r"^([ \t]*)```([a-z]*)\n(.*?)^[ \t]*```", re.S | re.M)
SHELL = ("sh", "bash")

NOT_RUN: list[tuple[str, str]] = [
    (r"npx cdktf (diff|deploy|destroy)\b", "plans or applies against a live cluster"),
    (r"terraform (state|import)\b", "reads or changes the state of a deployed stack"),
    (r"terraform providers mirror\b", "downloads the providers from the Terraform registry"),
    (r"(kubectl|helm upgrade|yq)\b", "part of moving a live cluster's releases"),
    (r"cd (cdktf\.out/stacks/|\.\./prod-)", "enters a deployed stack's folder for the state commands after it"),
    (r'export TF_VAR_istio_\w+="\$\(cat [\w-]+\.pem\)"', "reads the user's own CA files"),
    (r"npm ci$", "installs from the npm registry: tests/journeys/test_npm_install.py runs it against one on 127.0.0.1"),
    (r"make test$", "this suite: run from inside it, it would run this test again"),
    (r"make bench BENCH_RECORD=1", "records new figures into benchmarks/results.json: a maintainer's step, "
                                   "on a quiet machine, whose result is committed"),
]
"""Pattern (matched at the start of the command, after any ``VAR=value``
prefixes) -> why the command is not run here."""

PREFIX = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*")
FIRST_WORDS = re.compile(r"^(make|npm|npx|cdktf|cdktn|pip|python3?|\.venv/|cd|terraform|diff|[A-Z_]+=)\b")
"""How a line that is a command starts: a block of such lines is a shell block."""


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    commands: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(REPO)}:{self.line}"


def _commands(text: str) -> tuple[str, ...]:
    """The block's commands: continuation lines joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", textwrap.dedent(text))
    out = []
    for line in joined.splitlines():
        command = re.split(r"\s#\s|\s#$", line, maxsplit=1)[0].strip()
        if command and not command.startswith("#"):
            out.append(command)
    return tuple(out)


def blocks(shell: bool = True) -> list[Block]:
    """The pages' shell blocks (or, ``shell=False``, their untagged ones)."""
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in FENCE.finditer(text):
            if (match.group(2) in SHELL) == shell and (shell or match.group(2) == ""):
                line = text[: match.start()].count("\n") + 1
                found.append(Block(page, line, _commands(match.group(3))))
    return found


def why_not_run(command: str) -> str | None:
    bare = PREFIX.sub("", command)
    return next((reason for pattern, reason in NOT_RUN if re.match(pattern, bare)), None)


def script(block: Block) -> str:
    """The block's runnable commands as one bash script; ``diff`` between two
    files that differ (its exit status 1) is what the page shows, not a failure."""
    lines = ["set -euo pipefail"]
    for command in block.commands:
        if why_not_run(command) is None:
            lines.append(f"{command} || [ $? -eq 1 ]" if command.startswith("diff ") else command)
    return "\n".join(lines) + "\n"


RUNNABLE = [b for b in blocks() if any(why_not_run(c) is None for c in b.commands)]


def test_the_pages_show_shell_commands_and_every_one_is_run_or_has_a_reason() -> None:
    every = [c for b in blocks() for c in b.commands]
    assert len(every) > 30 and RUNNABLE
    assert {reason for c in every if (reason := why_not_run(c))} == {reason for _, reason in NOT_RUN}, (
        "a NOT_RUN entry matches no documented command any more: remove it")


def test_no_command_hides_in_an_untagged_block() -> None:
    hidden = [f"{b.id}: {b.commands[0]}" for b in blocks(shell=False)
              if b.commands and all(FIRST_WORDS.match(c) for c in b.commands)]
    assert hidden == [], "tag these blocks ```sh so the documented-commands run sees them"


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The scratch copy, and its files as copied (what git would commit)."""
    root = scratch_copy(tmp_path_factory.mktemp("docs") / "clone")
    files = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    return root, sorted(f for f in files if not f.startswith(tuple(f"{b}/" for b in BUILT)))


def _digest(root: Path, names: list[str]) -> dict[str, str]:
    return {name: hashlib.sha256((root / name).read_bytes()).hexdigest()
            for name in names if (root / name).is_file()}


@pytest.mark.docs
@pytest.mark.parametrize("block", RUNNABLE, ids=lambda b: b.id)
def test_the_documented_command_runs_as_written(block: Block, clone: tuple[Path, list[str]]) -> None:
    root, tracked = clone
    pinned = str(REPO / "node_modules" / ".bin")
    # A user's shell: not this suite's selection, nor the toolchain choice
    # scripts/bootstrap exported for the process that runs this suite.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "MESH_CONFIG")) and k != "ISTIO_MESH_TOOLCHAIN"}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != pinned)
    before = _digest(root, tracked)
    result = subprocess.run(["bash", "-c", script(block)], cwd=root, env=env, capture_output=True,
                            text=True, timeout=3600, check=False)
    assert result.returncode == 0, f"{block.id}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    changed = sorted(name for name, digest in _digest(root, tracked).items() if before.get(name) != digest)
    assert changed == [], f"{block.id} changed files of the repository"

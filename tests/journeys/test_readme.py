"""The README and docs/ stay true: the README's walkthrough, run as written up
to the point that needs a cluster, and every file, link, stack, make target,
MESH_CONFIG selection and Terraform variable the pages name.

The walkthrough's synthesis runs the app command of cdktf.json, as
``npx cdktf synth`` does, with no MESH_CONFIG; its manifest is what the
walkthrough's ``npx cdktf list``/``diff``/``deploy`` commands would see.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, Synth
from istio_mesh.config.loader import load_configs, select_config_paths

README = REPO / "README.md"
PAGES = [README, *sorted((REPO / "docs").glob("*.md")), REPO / "third_party" / "istio" / "README.md",
         REPO / "examples" / "upgrade-runbook" / "README.md"]
GENERATED = {REPO / "docs" / "config-reference.md"}
ROOTS = ("config", "examples", "docs", "third_party", "tools", "scripts", "tests", "constructs")
REPO_PATH = re.compile(rf"(?<![\w/.-])((?:{'|'.join(ROOTS)})/[\w./*-]*)(.?)")
LINK = re.compile(r"\]\(([^)\s]+)\)")
CDKTF_STACK_COMMAND = re.compile(r"npx cdktf (?:diff|deploy|destroy) ([^\n`#]+)")
MAKE = re.compile(r"(?:^|[\s`])make ([a-z][a-z-]*)")
SELECTOR = re.compile(r"MESH_CONFIG=(\S+)")
TF_VAR = re.compile(r"TF_VAR_(\w+)")


def code(text: str) -> Iterator[str]:
    """Fenced blocks and inline code spans: where commands are written."""
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        yield block
    for span in re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S)):
        yield span


def shell_lines(text: str) -> list[str]:
    """The commands of a page's ```sh blocks, comments and blank lines dropped."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command = line.split(" #", 1)[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


def page_id(page: Path) -> str:
    return str(page.relative_to(REPO))


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.M))


@pytest.fixture(scope="module")
def walkthrough_synth(
    default_synthesis: tuple[subprocess.CompletedProcess[str], Synth],
) -> tuple[subprocess.CompletedProcess[str], Synth]:
    """``npx cdktf synth`` as the walkthrough runs it (see conftest's default_synthesis)."""
    return default_synthesis


def test_readme_is_short_and_opens_with_the_two_fresh_machine_commands() -> None:
    lines = README.read_text().splitlines()
    assert len(lines) <= 200
    first_block = README.read_text().split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["make synth", "make test"]
    assert lines.index("```sh") < 5


def test_ci_ends_with_the_readmes_test_command() -> None:
    ci = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines() if line.strip()]
    assert ci[-1] == "make test"


def test_the_walkthrough_synthesis_succeeds_quietly(
    walkthrough_synth: tuple[subprocess.CompletedProcess[str], Synth],
) -> None:
    result, synth = walkthrough_synth
    assert result.returncode == 0, result.stderr
    # The cdktf CLI tags each stderr line [ERROR]: a success must print none.
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1].startswith("synthesized 16 stacks for ")
    assert "east-mesh" in synth.stack_names() and "prod-policies" in synth.stack_names()


def test_every_readme_command_runs_or_names_what_exists(
    walkthrough_synth: tuple[subprocess.CompletedProcess[str], Synth],
) -> None:
    _, synth = walkthrough_synth
    stacks = synth.stack_names()
    declared = {name for stack in stacks for name in synth.stack(stack).get("variable", {})}
    targets = make_targets()
    unchecked = []
    for command in shell_lines(README.read_text()):
        words = shlex.split(command)
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            words = words[1:]  # VAR=value prefixes: the selection is checked below
        if words[:2] == ["npm", "ci"]:
            assert (REPO / "package-lock.json").is_file()
        elif words[:3] in (["npx", "cdktf", "synth"], ["npx", "cdktf", "list"]):
            assert stacks  # run above, as the cdktf CLI runs it
        elif words[:3] in (["npx", "cdktf", "diff"], ["npx", "cdktf", "deploy"]):
            for name in words[3:]:
                assert fnmatch.filter(stacks, name), f"{command}: no stack {name}"
        elif words[:1] == ["export"] and TF_VAR.search(words[1]):
            assert TF_VAR.search(words[1]).group(1) in declared, command  # type: ignore[union-attr]
        elif words == ["export", "CHECKPOINT_DISABLE=1"]:
            pass  # read by the cdktf CLI (docs/offline.md)
        elif words[:1] == [".venv/bin/istio-mesh"]:
            assert words[1] in ("check", "export"), command  # run by tests/journeys/test_documented_commands.py
        elif words[:1] == ["make"]:
            assert words[1] in targets, command
        else:
            unchecked.append(command)
    assert unchecked == [], "README commands this test does not know how to check"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_repository_path_a_page_names_exists(page: Path) -> None:
    missing = []
    for match in REPO_PATH.finditer(page.read_text()):
        path, after = match.group(1).rstrip("."), match.group(2)
        pattern = path + "*" if after in ("<", "{") else path
        if page in GENERATED:
            continue
        if not (list(REPO.glob(pattern)) if "*" in pattern else (REPO / path).exists()):
            missing.append(path)
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_relative_link_leads_to_a_file(page: Path) -> None:
    missing = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#")[0]).resolve()
        if not path.exists():
            missing.append(target)
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_stack_make_target_and_selection_a_page_names_exists(
    page: Path, synth: Synth, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    stacks = synth.stack_names()
    targets = make_targets()
    problems: list[str] = []
    for snippet in code(page.read_text()):
        for found in CDKTF_STACK_COMMAND.findall(snippet):
            for name in shlex.split(found):
                if name != "..." and not name.startswith("-") and not fnmatch.filter(stacks, name):
                    problems.append(f"stack {name}")
        problems += [f"make {t}" for t in MAKE.findall(snippet) if t not in targets]
        for selector in SELECTOR.findall(snippet):
            selector = selector.strip("'\"")
            if selector != "...":
                load_configs(select_config_paths(selector))  # raises ConfigError if not
    assert problems == []


def test_every_terraform_variable_the_pages_name_is_declared(synth: Synth) -> None:
    declared: set[str] = set()
    for name in synth.stack_names():
        declared |= set(synth.stack(name).get("variable", {}))
    named: dict[str, Any] = {}
    for page in PAGES:
        for variable in TF_VAR.findall(page.read_text()):
            named.setdefault(variable, page_id(page))
    assert named and {v: p for v, p in named.items() if v not in declared} == {}

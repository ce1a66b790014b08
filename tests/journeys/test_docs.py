"""Documentation that is generated or quoted must match the code."""

from __future__ import annotations

import re

from conftest import REPO
from config_reference import render


def test_config_reference_is_up_to_date() -> None:
    committed = (REPO / "docs" / "config-reference.md").read_text()
    assert committed == render(), (
        "docs/config-reference.md is stale: "
        ".venv/bin/python tools/config_reference.py --out docs/config-reference.md"
    )


def test_readme_opens_with_the_two_fresh_machine_commands() -> None:
    commands = re.findall(r"^\s*(make \w+)", (REPO / "README.md").read_text(), re.M)
    assert commands[:2] == ["make synth", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    run = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^make test$", run, re.M)

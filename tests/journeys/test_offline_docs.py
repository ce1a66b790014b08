"""docs/offline.md names the provider versions the stacks really require, so a
mirror built from it holds what ``terraform init`` asks for."""

from __future__ import annotations

import re

from conftest import REPO, Synth

PAGE = REPO / "docs" / "offline.md"


def test_the_mirror_table_names_the_versions_the_synthesized_stacks_require(synth: Synth) -> None:
    required = {
        (provider["source"], provider["version"])
        for stack in synth.stack_names()
        for provider in synth.stack(stack)["terraform"]["required_providers"].values()
    }
    table = {(f"{name}", version) for name, version in
             re.findall(r"^\| hashicorp/(\w+) \| `([^`]+)` \|", PAGE.read_text(), re.M)}
    assert required == table

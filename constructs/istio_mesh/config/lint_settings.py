"""What the config linter needs to know from a config: which environment it
describes, and which findings its owners have reviewed and accepted."""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import Field, field_validator

from istio_mesh.config.base import MeshModel
from istio_mesh.config.rule_catalogue import RULES_BY_ID

Environment = Literal["development", "staging", "production"]
"""``production`` turns on the linter's production rules (``prod-*``)."""


class Waiver(MeshModel):
    """A finding the config's owners have reviewed and accept, with their reason."""

    rule: str = Field(description="Rule id to waive, e.g. 'prod-access-logs-everywhere'.")
    reason: str = Field(
        min_length=1,
        description="Why the finding is accepted; printed with every waived finding.",
    )

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        if value not in RULES_BY_ID:
            close = difflib.get_close_matches(value, list(RULES_BY_ID), n=1)
            hint = f" (did you mean {close[0]!a}?)" if close else ""
            raise ValueError(f"unknown rule{hint}; allowed: {', '.join(sorted(RULES_BY_ID))}")
        return value

    @field_validator("reason")
    @classmethod
    def _says_something(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must say why the finding is accepted")
        # Printed on one line under the finding: a YAML block's line breaks
        # become spaces.
        return " ".join(value.split())


class LintSettings(MeshModel):
    """Settings for ``istio-mesh check``."""

    waivers: tuple[Waiver, ...] = Field(
        default=(),
        description="Findings accepted for this config: reported as waived, never failing the check.",
    )

    @field_validator("waivers")
    @classmethod
    def _one_waiver_per_rule(cls, waivers: tuple[Waiver, ...]) -> tuple[Waiver, ...]:
        rules = [w.rule for w in waivers]
        repeated = sorted({r for r in rules if rules.count(r) > 1})
        if repeated:
            raise ValueError(f"rule waived more than once: {', '.join(repeated)}")
        return waivers

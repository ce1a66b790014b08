"""Every rule the config linter knows; defined in
:mod:`istio_mesh.config.lint_catalogue` so that the config models can check a
waiver's rule id without importing the linter."""

from __future__ import annotations

from istio_mesh.config.lint_catalogue import RULES, RULES_BY_ID, Rule, Severity

__all__ = ["RULES", "RULES_BY_ID", "Rule", "Severity"]

"""Run the rules over configs, apply waivers, and report.

Exit policy (``istio-mesh check``): errors fail the check (1);
warnings are reported and fail it only with ``--strict``; waived findings
are reported with their reason and never fail it; a config that does not
load is reported as by ``main.py`` and fails with 2.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from istio_mesh.config.errors import ConfigError, shown_file
from istio_mesh.config.fleet import is_fleet_path, load_fleet
from istio_mesh.config.loader import load_config
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.rule_catalogue import RULES
from istio_mesh.lint.currency import CURRENCY_CHECKS
from istio_mesh.lint.guardrails import GUARDRAILS
from istio_mesh.lint.observability import OBSERVABILITY_CHECKS
from istio_mesh.lint.placement import PLACEMENT_CHECKS
from istio_mesh.lint.refdata import checked_against
from istio_mesh.lint.retired_hosts import RETIRED_HOST_CHECKS
from istio_mesh.lint.rules import CHECKS, Check, Finding, finding
from istio_mesh.lint.rules_availability import AVAILABILITY_CHECKS
from istio_mesh.lint.rules_gateway_api import GATEWAY_API_CHECKS
from istio_mesh.lint.rules_gitops import GITOPS_CHECKS
from istio_mesh.lint.rules_overrides import OVERRIDE_CHECKS
from istio_mesh.lint.rules_scheduling import SCHEDULING_CHECKS
from istio_mesh.lint.rules_security import SECURITY_CHECKS
from istio_mesh.lint.rules_telemetry import TELEMETRY_CHECKS

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_CONFIG_ERROR = 2

_RULE_ORDER = {rule.id: i for i, rule in enumerate(RULES)}

ALL_CHECKS: tuple[Check, ...] = (
    *CHECKS, *GUARDRAILS, *PLACEMENT_CHECKS, *SECURITY_CHECKS, *OVERRIDE_CHECKS,
    *AVAILABILITY_CHECKS, *GATEWAY_API_CHECKS, *TELEMETRY_CHECKS, *SCHEDULING_CHECKS,
    *GITOPS_CHECKS, *RETIRED_HOST_CHECKS, *CURRENCY_CHECKS, *OBSERVABILITY_CHECKS,
)
"""Every rule module's checks: the one place a new module is registered."""


def lint_config(config: MeshConfig) -> list[Finding]:
    """Every finding for one config, waived ones marked with their reason,
    in catalogue order (then in the order the rule met them)."""
    found = [f for check in ALL_CHECKS for f in check(config)]
    reasons = {w.rule: w.reason for w in config.lint.waivers}
    out = [replace(f, waived=reasons[f.rule]) if f.rule in reasons else f for f in found]
    fired = {f.rule for f in found}
    for i, waiver in enumerate(config.lint.waivers):
        if waiver.rule not in fired:
            out.append(finding("unused-waiver", ("lint", "waivers", i),
                               f"waives {waiver.rule} but the config has no such finding",
                               "remove the waiver"))
    return sorted(out, key=lambda f: _RULE_ORDER[f.rule])


@dataclass
class Report:
    """Findings per file, and the files that did not load."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)
    config_errors: list[ConfigError] = field(default_factory=list)
    data_versions: set[str] = field(default_factory=set)
    """The Istio releases whose vendored chart and CRD data the files were checked against."""
    files: int = 0
    """Files read: a fleet file is one file of several clusters (findings keys)."""

    def count(self, severity: str) -> int:
        """Unwaived findings of one severity."""
        return sum(1 for fs in self.findings.values() for f in fs
                   if f.severity == severity and f.waived is None)

    @property
    def waived(self) -> int:
        """Findings the configs accept."""
        return sum(1 for fs in self.findings.values() for f in fs if f.waived is not None)

    def exit_code(self, *, strict: bool = False) -> int:
        """2 if a config did not load, 1 for errors (or warnings when strict), else 0."""
        if self.config_errors:
            return EXIT_CONFIG_ERROR
        if self.count("error") or (strict and self.count("warning")):
            return EXIT_FINDINGS
        return EXIT_OK


Admit = Callable[[MeshConfig], list[str]]
"""A check a loaded config must pass before it is linted: one problem line
(``<field>: <problem>``) each; ``python -m istio_mesh check`` passes the
check of the objects a config produces (:mod:`istio_mesh.admission`)."""


def lint_paths(paths: Sequence[Path | str], admit: Admit | None = None) -> Report:
    """Load and lint each file; a file that does not load (or whose config
    ``admit`` refuses) is recorded, not raised."""
    report = Report()
    for path in paths:
        report.files += 1
        try:
            if is_fleet_path(path):
                # Each cluster of a fleet file is linted as its own config.
                members = load_fleet(path)
                _admitted(path, members, admit)
                for cluster, member in members.items():
                    report.findings[f"{shown_file(path)} [{cluster}]"] = lint_config(member)
                    report.data_versions.add(checked_against(member.istio.version))
                continue
            config = load_config(path)
            _admitted(path, {"": config}, admit)
        except ConfigError as exc:
            report.config_errors.append(exc)
            continue
        report.findings[shown_file(path)] = lint_config(config)
        report.data_versions.add(checked_against(config.istio.version))
    return report


def _admitted(path: Path | str, members: Mapping[str, MeshConfig], admit: Admit | None) -> None:
    if admit is None:
        return
    problems = [f"cluster {cluster!a}: {p}" if cluster else p
                for cluster, member in members.items() for p in admit(member)]
    if problems:
        raise ConfigError(path, problems)


def format_finding(path: str, f: Finding) -> str:
    """Two lines: where and what, then the fix (or the waiver's reason)."""
    label = "waived" if f.waived is not None else f.severity
    tail = f"waiver: {f.waived}" if f.waived is not None else f"fix: {f.fix}"
    return f"{path}: {label} [{f.rule}] {f.path}: {f.message}\n  {tail}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_report(report: Report) -> str:
    """The text ``check`` prints on stdout: every finding, then a summary line."""
    lines = [format_finding(path, f) for path, fs in report.findings.items() for f in fs]
    configs = len(report.findings) + len(report.config_errors)
    files = report.files or configs
    checked = _plural(files, "file") + (f" ({_plural(configs, 'cluster')})" if configs != files else "")
    summary = (f"checked {checked}: {_plural(report.count('error'), 'error')}, "
               f"{_plural(report.count('warning'), 'warning')}, {report.waived} waived")
    if report.config_errors:
        summary += f", {_plural(len(report.config_errors), 'invalid config')}"
    if report.data_versions:
        # Which vendored Istio data the chart values and resources met.
        summary += f"; Istio data {', '.join(sorted(report.data_versions))}"
    return "\n".join([*lines, summary]) + "\n"

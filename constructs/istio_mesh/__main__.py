"""``python -m istio_mesh``: tools that work on config files without synthesizing.

``check [--strict] [FILE ...]`` lints configs (default: ``$MESH_CONFIG`` or
``config/*.yaml``). Synthesis stays ``python main.py``. Nothing here starts
the jsii runtime, so the check runs in a fraction of a second per file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import CONFIG_SELECTOR_ENV, select_config_paths
from istio_mesh.lint.engine import EXIT_CONFIG_ERROR, format_report, lint_paths


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m istio_mesh")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="lint mesh configs",
        description=(
            "Lint mesh configs. Exit 0: no errors; 1: errors (or warnings with --strict); "
            "2: a config does not load."
        ),
    )
    check.add_argument("files", nargs="*", help="config files (default: $MESH_CONFIG or config/*.yaml)")
    check.add_argument("--strict", action="store_true", help="warnings fail the check too")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        paths = list(args.files) or select_config_paths(os.environ.get(CONFIG_SELECTOR_ENV))
    except ConfigError as exc:
        print(f"error: invalid mesh config\n{exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    report = lint_paths(paths)
    for error in report.config_errors:
        print(f"error: invalid mesh config\n{error}", file=sys.stderr)
    print(format_report(report), end="")
    return report.exit_code(strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())

"""``istio-mesh`` (the console script; also ``python -m istio_mesh``): tools
that work on config files without synthesizing.

``check [--strict] [FILE ...]`` lints configs (default: ``$MESH_CONFIG`` or
``config/*.yaml``). ``export argocd [--out DIR]`` writes the same selection's
plans as Argo CD Applications (default: ``build/argocd/``). Synthesis stays
``python main.py``. Nothing here starts the jsii runtime, so both run in a
fraction of a second per file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import CONFIG_SELECTOR_ENV, load_configs, select_config_paths
from istio_mesh.export import DEFAULT_OUT, argocd_export, write_exports
from istio_mesh.lint.engine import EXIT_CONFIG_ERROR, format_report, lint_paths
from istio_mesh.plan import cluster_plan


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="istio-mesh")
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
    export = commands.add_parser(
        "export",
        help="write the mesh plans for a GitOps tool",
        description="Write the selected configs ($MESH_CONFIG or config/*.yaml) for a GitOps tool.",
    )
    targets = export.add_subparsers(dest="target", required=True)
    argocd = targets.add_parser(
        "argocd",
        help="Argo CD Applications",
        description=(
            "One Argo CD Application per Helm release, manifest folders for the revision tags "
            "and the policies, in sync waves that follow the Terraform order. Exit 2: a config "
            "does not load (nothing is written)."
        ),
    )
    argocd.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT}/)")
    return parser


def _export_argocd(out: Path) -> int:
    """Load every selected config first, so a bad one writes nothing."""
    try:
        configs = load_configs(select_config_paths(os.environ.get(CONFIG_SELECTOR_ENV)))
    except ConfigError as exc:
        print(f"error: invalid mesh config\n{exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    exports = [argocd_export(name, config, cluster_plan(config)) for name, config in sorted(configs.items())]
    written = write_exports(exports, out)
    names = ", ".join(e.cluster for e in exports)
    print(f"exported {len(written)} files for {names} to {out}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "export":
        return _export_argocd(args.out)
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

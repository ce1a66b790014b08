"""``istio-mesh`` (the console script; also ``python -m istio_mesh``): tools
that work on config files without synthesizing.

``check [--strict] [--from OLD] [FILE ...]`` lints configs (default:
``$MESH_CONFIG`` or ``config/*.yaml``) and prints Istio's upgrade notes that
apply to a config running two minor versions side by side, or, with
``--from``, to the move from the config OLD to the one FILE. ``export argocd [--out DIR]`` writes the same selection's
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

from istio_mesh.admission import admission_problems, export_problems, load_admitted_configs
from istio_mesh.config.errors import ConfigError, shown_file
from istio_mesh.config.loader import CONFIG_SELECTOR_ENV, ConfigErrors, select_config_paths
from istio_mesh.export import DEFAULT_OUT, argocd_export, export_writer, write_exports
from istio_mesh.lint.engine import EXIT_CONFIG_ERROR, format_report, lint_paths
from istio_mesh.lint.notes_report import upgrade_notes_report
from istio_mesh.runtime.owned_output import OutputRefused, vet
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
    check.add_argument(
        "--from", dest="old", type=Path, metavar="OLD",
        help="the config before this change: print the upgrade notes of the move from OLD to FILE",
    )
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
            "and the policies, in sync waves that follow the Terraform order. The output folder "
            "is replaced whole, and only if it is new, empty or an earlier export. Exit 2: a "
            "config does not load, or the output folder is refused (nothing is written)."
        ),
    )
    argocd.add_argument("--out", default=str(DEFAULT_OUT), help=f"output directory (default: {DEFAULT_OUT}/)")
    return parser


def _export_argocd(out: str) -> int:
    """Load and check every selected config and every Application, and vet the
    output folder first, so a bad config or a folder the export does not own
    writes nothing. Success goes to stdout, problems to stderr."""
    try:
        paths = select_config_paths(os.environ.get(CONFIG_SELECTOR_ENV))
        configs = load_admitted_configs(paths)
        exports = [argocd_export(name, config, cluster_plan(config)) for name, config in sorted(configs.items())]
        refused = [ConfigError(f"export of {e.cluster}", problems)
                   for e in exports if (problems := export_problems(e))]
        if refused:
            raise ConfigErrors(refused)
    except ConfigError as exc:
        print(f"error: invalid mesh config\n{exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    try:
        vet(out, export_writer(paths))
        written = write_exports(exports, Path(out), inputs=paths)
    except OutputRefused as exc:
        print(f"error: output folder refused\n{exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    names = ", ".join(e.cluster for e in exports)
    print(f"exported {len(written)} files for {names} to {shown_file(out)}")
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
    if args.old is not None and len(paths) != 1:
        print("error: --from compares two configs: name exactly one FILE after it", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    report = lint_paths(paths, admit=admission_problems)
    for error in report.config_errors:
        print(f"error: invalid mesh config\n{error}", file=sys.stderr)
    print(format_report(report), end="")
    if report.config_errors:
        return report.exit_code(strict=args.strict)
    try:
        print(upgrade_notes_report(paths, old=args.old), end="")
    except ConfigError as exc:
        print(f"error: invalid mesh config\n{exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    return report.exit_code(strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())

"""``main.py``: validate every selected config, then synthesize.

All configs are loaded before anything is constructed, so a bad file stops
the run before cdktf writes a byte. Synthesis then goes to a directory beside
the output and replaces it only once it succeeded (see
:mod:`istio_mesh.runtime.synth_output`): a run that fails or is interrupted half-way leaves
an existing ``cdktf.out`` as it was.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from istio_mesh.admission import load_admitted_configs
from istio_mesh.config.errors import ConfigError, shown_file
from istio_mesh.config.loader import CONFIG_SELECTOR_ENV, select_config_paths
from istio_mesh.runtime.synth_output import SYNTH_WRITER, OutputBusy, exclusive, run_by_cdktf_cli, staged_output, target_outdir
from istio_mesh.runtime.owned_output import OutputRefused, vet
from istio_mesh.runtime.teardown import exit_without_teardown
from istio_mesh.runtime.upgrades import skipped_minor_warnings

EXIT_CONFIG_ERROR = 2

CDKTF_DEPRECATION = "DEP0044"
"""Node 22+'s deprecation of ``util.isArray``, which archived cdktf 0.21 calls
once per synthesis. Nothing a user can act on, and the cdktf CLI would show
the warning as an ``[ERROR]`` line of a successful synth, so the app turns
off this one warning code for the jsii runtime it starts (``NODE_OPTIONS``);
every other warning stays."""


def quiet_cdktf_deprecation() -> None:
    """Turn off :data:`CDKTF_DEPRECATION` for jsii runtimes started from now on."""
    options = os.environ.get("NODE_OPTIONS", "")
    flag = f"--disable-warning={CDKTF_DEPRECATION}"
    if flag not in options.split():
        os.environ["NODE_OPTIONS"] = f"{options} {flag}".strip()


def main(argv: Sequence[str] | None = None) -> int:
    """Synthesize the configs named by ``MESH_CONFIG`` (default: every cluster
    file ``config/*.yaml`` and fleet file ``config/fleets/*.yaml``).

    Progress and success go to stdout and only problems to stderr: the cdktf
    CLI tags every stderr line ``[ERROR]``, so a success line there would
    read as a failure.
    """
    del argv  # the CLI takes its selection from the environment, as cdktf runs it
    try:  # the toolchain ISTIO_MESH_TOOLCHAIN names, or the one installed
        importlib.import_module("istio_mesh.runtime.toolchain")
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    try:
        paths = select_config_paths(os.environ.get(CONFIG_SELECTOR_ENV))
        # Every object the configs produce is checked against its API's rules
        # (istio_mesh.admission) before the jsii runtime starts.
        configs = load_admitted_configs(paths)
    except ConfigError as exc:
        print(f"error: invalid mesh config\n{exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    outdir = target_outdir()
    try:
        vet(outdir, SYNTH_WRITER)
    except OutputRefused as exc:
        print(f"error: output folder refused\n{exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    # Imported only now: starting the jsii runtime costs a second or more, and
    # a config error should be reported without paying it.
    quiet_cdktf_deprecation()
    from istio_mesh.runtime.fast_path import enable as enable_fast_path  # reads the toolchain checked above

    enable_fast_path()
    from istio_mesh.app import build_app

    try:
        with exclusive(outdir), staged_output(outdir, keep_stale_stacks=run_by_cdktf_cli()) as staging:
            build_app(configs, outdir=staging).synth()
            for warning in skipped_minor_warnings(outdir, staging):
                print(warning, file=sys.stderr)
    except OutputBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except OutputRefused as exc:
        print(f"error: output folder refused\n{exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except KeyboardInterrupt:
        raise  # run() says so in one line
    except BaseException:
        print(f"error: synthesis failed; {shown_file(outdir)} was left as it was", file=sys.stderr)
        raise
    names = ", ".join(sorted(configs))
    print(f"synthesized {len(configs) * 2} stacks for {names}", flush=True)
    return 0


EXIT_INTERRUPTED = 130
"""128 + SIGINT, as a shell reports a command stopped by Ctrl-C."""


def run() -> None:
    """Entry point for ``python main.py``: Ctrl-C ends it with one line, not a
    traceback (the output was left as it was: see :func:`main`)."""
    try:
        code = main(sys.argv[1:])
    except KeyboardInterrupt:
        print(f"error: interrupted; {shown_file(target_outdir())} was left as it was", file=sys.stderr)
        code = EXIT_INTERRUPTED
    exit_without_teardown(code)


if __name__ == "__main__":
    run()

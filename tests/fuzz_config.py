"""The long fuzz run behind ``make fuzz``: the property of tests/contracts/test_config_fuzz.py
over many more documents, with a count of what happened to them.

    pipenv run python tests/fuzz_config.py [--examples N] [--synth-every K] [--file-kinds cluster,fleet]

Runs N documents (default 12,000) per file kind: a third arbitrary YAML-ish
text, two thirds near-valid configs; as a cluster file, and as a fleet file
(the arbitrary text as the whole fleet, the near-valid config as one fleet
cluster's settings). Every document that loads has its chart values and policy
objects built; every K-th loaded cluster file is also synthesized through
cdktf. Exits non-zero, with hypothesis' shrunk example, on the first
unexpected exception.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import tempfile
import time
import traceback

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config_fuzz import FILE, check_document, check_fleet_document, near_valid_texts, yaml_texts
from fleet_form import as_fleet
from istio_mesh.config.errors import ConfigError


def _kind(problem: str) -> str:
    """A refusal's kind, for the summary: the message with values taken out."""
    text = problem.removeprefix(f"{FILE}: ")
    if text.startswith("YAML syntax error"):
        return "YAML syntax error"
    text = text.split(": ", 1)[-1]
    text = re.sub(r"got .*? \((\w+)\)", r"got <\1>", text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\b\d+\b", "…", text)
    return text[:70]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=12_000)
    parser.add_argument("--synth-every", type=int, default=5)
    parser.add_argument("--kinds", type=int, default=15, help="refusal kinds to list")
    parser.add_argument("--file-kinds", default="cluster,fleet", help="cluster, fleet or both")
    args = parser.parse_args()
    file_kinds = [k.strip() for k in args.file_kinds.split(",") if k.strip()]

    from istio_mesh.cli import quiet_cdktf_deprecation

    quiet_cdktf_deprecation()  # as main.py does, before jsii starts
    from istio_mesh.app import build_app

    counts: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()

    def record_fleet(text: str, source: str) -> None:
        counts[source] += 1
        configs = check_fleet_document(text)
        if isinstance(configs, ConfigError):
            counts["fleet refused"] += 1
            kinds.update({_kind(p.split(": ", 1)[-1]) for p in configs.problems})
            return
        counts["fleet loaded"] += 1

    def record(text: str, source: str) -> None:
        if source.startswith("fleet "):
            record_fleet(text, source)
            return
        counts[source] += 1
        config = check_document(text)
        if isinstance(config, ConfigError):
            counts["refused"] += 1
            kinds.update({_kind(p) for p in config.problems})
            return
        counts["loaded"] += 1
        if counts["loaded"] % args.synth_every == 0:
            with tempfile.TemporaryDirectory() as outdir:
                build_app({"fuzz": config}, outdir=outdir).synth()
            counts["synthesized"] += 1

    def run(source: str, documents: st.SearchStrategy[str], examples: int) -> None:
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(documents)
        def property_holds(text: str) -> None:
            record(text, source)

        property_holds()

    started = time.monotonic()
    failure: BaseException | None = None
    arbitrary = args.examples // 3
    try:
        if "cluster" in file_kinds:
            run("arbitrary", yaml_texts(), arbitrary)
            run("near-valid", near_valid_texts(), args.examples - arbitrary)
        if "fleet" in file_kinds:
            run("fleet arbitrary", yaml_texts(), arbitrary)
            run("fleet near-valid", near_valid_texts().map(as_fleet), args.examples - arbitrary)
    except BaseException as exc:  # noqa: BLE001 - reported below
        failure = exc
    elapsed = time.monotonic() - started

    total = counts["arbitrary"] + counts["near-valid"]
    fleets = counts["fleet arbitrary"] + counts["fleet near-valid"]
    print(f"fuzzed config loading in {elapsed:.0f}s")
    print(f"  cluster files: {total} examples ({counts['arbitrary']} arbitrary YAML-ish, "
          f"{counts['near-valid']} near-valid)")
    print(f"    loaded and built:           {counts['loaded']}")
    print(f"    synthesized through cdktf:  {counts['synthesized']}")
    print(f"    refused with ConfigError:   {counts['refused']}")
    print(f"  fleet files: {fleets} examples ({counts['fleet arbitrary']} arbitrary YAML-ish, "
          f"{counts['fleet near-valid']} near-valid in a fleet cluster)")
    print(f"    loaded and built:           {counts['fleet loaded']}")
    print(f"    refused with ConfigError:   {counts['fleet refused']}")
    print("  most frequent refusals:")
    for kind, n in kinds.most_common(args.kinds):
        print(f"    {n:6d}  {kind}")
    if failure is not None:
        traceback.print_exception(failure)
        print("unexpected exceptions: 1 (shrunk example above)")
        return 1
    print("unexpected exceptions: 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Synthesize config files one by one and print each stack's JSON without
cdktf's ``//`` metadata, so two commits' outputs can be compared.

Why: a refactor that must not change what a deploy does is proven by
comparing what Terraform reads; cdktf's ``//`` blocks hold construct paths
and tool versions, which Terraform ignores.

    python tools/synth_digest.py --out /tmp/before config/*.yaml ...
    diff -r /tmp/before /tmp/after
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def strip_metadata(node: Any) -> Any:
    """``node`` without any ``//`` key, at every depth, order kept."""
    if isinstance(node, dict):
        return {key: strip_metadata(value) for key, value in node.items() if key != "//"}
    if isinstance(node, list):
        return [strip_metadata(value) for value in node]
    return node


def synthesize(config: Path, outdir: Path) -> int:
    """Run main.py for ``config`` alone into ``outdir``; its exit code."""
    env = {**os.environ, "MESH_CONFIG": str(config), "CDKTF_OUTDIR": str(outdir)}
    env.pop("CDKTF_CONTEXT_JSON", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py")], cwd=ROOT, env=env,
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        print(f"{config}: exit {done.returncode}: {done.stderr.strip()[-300:]}", file=sys.stderr)
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("configs", nargs="+", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for config in args.configs:
        with tempfile.TemporaryDirectory() as tmp:
            if synthesize(config.resolve(), Path(tmp) / "cdktf.out") != 0:
                (args.out / f"{config.stem}.refused").write_text("refused\n")
                continue
            for stack in sorted((Path(tmp) / "cdktf.out" / "stacks").iterdir()):
                data = json.loads((stack / "cdk.tf.json").read_text())
                text = json.dumps(strip_metadata(data), indent=1)
                (args.out / f"{config.stem}--{stack.name}.json").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

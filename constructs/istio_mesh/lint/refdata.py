"""The Istio release data the linter checks against, shipped with the package.

Users run the linter where Istio's sources are not at hand, so the parts it
needs are extracted once from the release's own files (the CRDs in
``base/files/crd-all.gen.yaml`` and each chart's ``values.yaml``) into
``data/istio-<version>.json``: per kind its scope, served versions and
schema (descriptions dropped; CEL rules kept as rule, message and fieldPath,
for :mod:`istio_mesh.apirules`),
and per chart the tree of settable value keys. A test regenerates the file
from the copy of those files vendored in the repository
(``third_party/istio/<version>``) and fails when it differs.

Regenerate with ``.venv/bin/python -m istio_mesh.lint.refdata third_party/istio/<version>``.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

# Istio's CRD file is about a megabyte: libyaml reads it ten times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from istio_mesh.config.versions import DEFAULT_ISTIO_VERSION, parse_version

DATA_DIR = Path(__file__).resolve().parent / "data"
CHARTS = ("base", "istiod", "cni", "gateway", "ztunnel")


def data_path(version: str = DEFAULT_ISTIO_VERSION) -> Path:
    """Where the data for one Istio release lives in the package."""
    return DATA_DIR / f"istio-{version}.json"


def vendored_versions() -> list[str]:
    """The Istio releases whose data ships with the package, oldest first."""
    found = [p.stem.removeprefix("istio-") for p in DATA_DIR.glob("istio-*.json")]
    return sorted(found, key=parse_version)


def data_version(pinned: str) -> str | None:
    """The data a pin is checked against: the newest vendored patch of the
    pinned minor (patches of a minor keep their chart values and CRDs), or
    None when no release of that minor is vendored."""
    minor = parse_version(pinned)[:2]
    same = [v for v in vendored_versions() if parse_version(v)[:2] == minor]
    return same[-1] if same else None


def checked_against(pinned: str) -> str:
    """The data a config pinning ``pinned`` is checked against: its minor's,
    else the default pin's (and ``istio-version-unchecked`` says so)."""
    return data_version(pinned) or DEFAULT_ISTIO_VERSION


@functools.cache
def reference_data(version: str = DEFAULT_ISTIO_VERSION) -> dict[str, Any]:
    """The shipped data for ``version`` (only the pinned release is shipped)."""
    data: dict[str, Any] = json.loads(data_path(version).read_text(encoding="utf-8"))
    return data


def _schema(node: Any) -> Any:
    """A schema node without what the linter does not evaluate. Descriptions are
    dropped only where they are schema keywords, never a property of that name."""
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "description":
            continue
        if key == "x-kubernetes-validations":
            out[key] = [{k: rule[k] for k in ("rule", "message", "fieldPath") if k in rule}
                        for rule in value]
            continue
        if key == "properties":
            out[key] = {name: _schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = _schema(value)
        elif key in ("oneOf", "anyOf", "allOf"):
            out[key] = [_schema(sub) for sub in value]
        else:
            out[key] = value
    return out


def _crds(reference: Path) -> dict[str, Any]:
    text = (reference / "base" / "files" / "crd-all.gen.yaml").read_text(encoding="utf-8")
    out: dict[str, Any] = {}
    for doc in yaml.load_all(text, Loader=_YAML_LOADER):
        if not doc or doc.get("kind") != "CustomResourceDefinition":
            continue
        spec = doc["spec"]
        schemas: list[Any] = []
        versions: dict[str, int] = {}
        for version in spec["versions"]:
            if not version.get("served"):
                continue
            schema = _schema(version["schema"]["openAPIV3Schema"])
            if schema not in schemas:
                schemas.append(schema)
            versions[version["name"]] = schemas.index(schema)
        out[f"{spec['group']}/{spec['names']['kind']}"] = {
            "scope": spec["scope"],
            "versions": dict(sorted(versions.items())),
            "schemas": schemas,
        }
    return dict(sorted(out.items()))


def _keys(values: Any) -> Any:
    """A values tree reduced to its keys: a mapping with keys, or None (a leaf,
    or an empty mapping whose keys are the user's)."""
    if isinstance(values, Mapping) and values:
        return {str(k): _keys(v) for k, v in sorted(values.items(), key=lambda kv: str(kv[0]))}
    return None


def _chart_keys(reference: Path, chart: str) -> Any:
    data = yaml.load((reference / chart / "values.yaml").read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    # Users set the chart's internal defaults at the top level.
    merged = dict(data.pop("_internal_defaults_do_not_set", {}) or {})
    merged.update(data)
    return _keys(merged)


def build(reference: Path, version: str = DEFAULT_ISTIO_VERSION) -> dict[str, Any]:
    """The data file's content, from an Istio reference directory."""
    return {
        "istioVersion": version,
        "crds": _crds(reference),
        "chartKeys": {chart: _chart_keys(reference, chart) for chart in CHARTS},
    }


def render(data: Mapping[str, Any]) -> str:
    """The file's exact text: sorted and indented, so that a new release shows as a readable diff."""
    return json.dumps(data, sort_keys=True, indent=1) + "\n"


def main(argv: list[str]) -> int:
    """Write the data file from the reference directory given as the only argument."""
    if len(argv) != 1:
        print("usage: python -m istio_mesh.lint.refdata <istio reference dir>", file=sys.stderr)
        return 2
    path = data_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(build(Path(argv[0]))), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

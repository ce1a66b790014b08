"""The CRDs of the objects the package generates, from the data it ships.

- Istio's: the linter's data file (``istio_mesh/lint/data/istio-<version>.json``,
  extracted from the release's ``crd-all.gen.yaml`` by
  ``python -m istio_mesh.lint.refdata``), which keeps each schema's CEL rules;
- Gateway API's: the CRD files of the chart the package ships
  (``istio_mesh/charts/gateway-api-crds/files/<channel>/``), read only when an
  object of the group is checked;
- Argo CD's Application: ``data/argocd-application.json`` beside this module
  (its ``openAPIV3Schema`` from ``application-crd.yaml``; Apache-2.0, licence
  in ``data/LICENSE-argocd``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from istio_mesh.apirules.cel import Rule, schema_rules

_PACKAGE = Path(__file__).resolve().parent.parent
ISTIO_DATA_DIR = _PACKAGE / "lint" / "data"
"""Where the Istio release data lives (written by ``istio_mesh.lint.refdata``)."""
GATEWAY_API_FILES = _PACKAGE / "charts" / "gateway-api-crds" / "files"
ARGOCD_APPLICATION = Path(__file__).resolve().parent / "data" / "argocd-application.json"
GATEWAY_API_GROUP = "gateway.networking.k8s.io"
ARGOCD_GROUP = "argoproj.io"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ServedSchema:
    """One served version of one CRD: its schema, its CEL rules, its scope."""

    source: str
    """Whose CRD, for messages: e.g. ``Istio 1.30.3``, ``Gateway API (standard)``."""
    schema: Mapping[str, Any]
    rules: tuple[Rule, ...]
    namespaced: bool


@functools.cache
def istio_data(version: str) -> dict[str, Any]:
    """The shipped Istio data of one release."""
    data: dict[str, Any] = json.loads((ISTIO_DATA_DIR / f"istio-{version}.json").read_text(encoding="utf-8"))
    return data


@functools.cache
def _gateway_api_crds(channel: str, plural: str) -> dict[str, Any] | None:
    path = GATEWAY_API_FILES / channel / f"{GATEWAY_API_GROUP}_{plural}.yaml"
    if not path.is_file():
        return None
    for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER):
        if doc and doc.get("kind") == "CustomResourceDefinition":
            return dict(doc)
    return None


@functools.cache
def _argocd_application() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ARGOCD_APPLICATION.read_text(encoding="utf-8"))
    return data


@functools.cache
def served_schema(api_version: str, kind: str, *, istio_version: str,
                  channel: str = "standard") -> ServedSchema | None:
    """The schema the API server would check a ``kind`` object of
    ``api_version`` against, or None when no shipped CRD serves it."""
    group, _, version = api_version.rpartition("/")
    if group == GATEWAY_API_GROUP:
        crd = _gateway_api_crds(channel, kind.lower() + ("es" if kind.endswith("s") else "s"))
        if crd is None:
            return None
        served = {v["name"]: v for v in crd["spec"]["versions"] if v.get("served")}
        if version not in served:
            return None
        schema = served[version]["schema"]["openAPIV3Schema"]
        return ServedSchema(f"Gateway API ({channel} channel)", schema, tuple(schema_rules(schema)),
                            crd["spec"]["scope"] == "Namespaced")
    if group == ARGOCD_GROUP and kind == "Application":
        app = _argocd_application()
        if version not in app["versions"]:
            return None
        return ServedSchema("Argo CD", app["schema"], (), True)
    crds = istio_data(istio_version)["crds"]
    entry = crds.get(f"{group}/{kind}")
    if entry is None or version not in entry["versions"]:
        return None
    schema = entry["schemas"][entry["versions"][version]]
    return ServedSchema(f"Istio {istio_version}", schema, tuple(schema_rules(schema)),
                        entry["scope"] == "Namespaced")

"""The real Gateway API CRDs (kubernetes-sigs/gateway-api, vendored unchanged
in the chart the package ships), and a check of a manifest against them: the
openAPIV3Schema, the fields the API server would prune, and the CEL rules
(``x-kubernetes-validations``) as the API server evaluates them."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from cel_rules import Rule, evaluate, schema_rules
from istio_mesh.apirules.openapi import with_defaults
from conftest import REPO
from istio_reference import schema_problems

CHART = REPO / "constructs" / "istio_mesh" / "charts" / "gateway-api-crds"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def bundle_documents(channel: str) -> list[tuple[Path, dict[str, Any]]]:
    """Every document of one channel's vendored files, file by file, in name order."""
    out: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted((CHART / "files" / channel).glob("*.yaml")):
        out += [(path, doc) for doc in yaml.load_all(path.read_text(), Loader=_YAML_LOADER) if doc]
    return out


@functools.cache
def gateway_api_crds(channel: str) -> dict[tuple[str, str], dict[str, Any]]:
    """One channel's CRDs by (group, kind)."""
    return {
        (doc["spec"]["group"], doc["spec"]["names"]["kind"]): doc
        for _, doc in bundle_documents(channel)
        if doc.get("kind") == "CustomResourceDefinition"
    }


def _cel_rules(schema: Mapping[str, Any], kind: str, version: str) -> list[Rule]:
    """The schema's CEL rules but transition rules, which need a previous object."""
    return [rule for rule in schema_rules(schema, kind, version) if "oldSelf" not in rule.rule]


def gateway_api_problems(manifest: Mapping[str, Any], channel: str = "standard") -> list[str]:
    """Why the channel's real CRD would refuse ``manifest`` (or prune part of it); [] when accepted.
    Beyond the schema: the CRDs' CEL rules, on the object after schema defaulting
    (the package's :func:`~istio_mesh.apirules.openapi.with_defaults`, the API
    server's defaulting)."""
    problems, written = schema_problems(gateway_api_crds(channel), manifest, channel)
    if written is None:
        return problems
    version = manifest["apiVersion"].rpartition("/")[2]
    defaulted = with_defaults(written, dict(manifest))
    for rule in _cel_rules(written, manifest["kind"], version):
        problems += [f"{v.path}: {v.message}" for v in evaluate(rule, defaulted)]
    return problems

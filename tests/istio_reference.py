"""Readers for Istio's real 1.30.3 data (third_party/istio/1.30.3): chart values and CRD schemas."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

CHART_DIRS = {"base": "base", "istiod": "istiod", "cni": "cni", "gateway": "gateway", "ztunnel": "ztunnel"}

# Subtrees whose keys are the user's, not the chart's: Kubernetes objects or
# Istio API messages the chart copies through. Keys below these are checked
# elsewhere (meshConfig by Istio) or not at all.
FREE_FORM: dict[str, frozenset[str]] = {
    "istiod": frozenset({
        "meshConfig", "resources", "affinity", "topologySpreadConstraints",
        "nodeSelector", "env", "podAnnotations", "global.proxy.resources",
    }),
    "gateway": frozenset({
        "resources", "affinity", "topologySpreadConstraints", "service.annotations",
        "service.ports", "podAnnotations", "podDisruptionBudget", "imagePullSecrets",
        "nodeSelector",
    }),
    "cni": frozenset({"resources", "excludeNamespaces"}),
    "ztunnel": frozenset({"resources"}),
    "base": frozenset(),
}

# Keys every chart reads although its values.yaml does not list them: the
# profile selectors consumed by templates/zzz_profile.yaml.
PROFILE_KEYS = frozenset({"platform", "profile", "compatibilityVersion"})

# Keys the chart reads that values.yaml documents only in a comment.
DOCUMENTED_IN_COMMENTS: dict[str, frozenset[str]] = {
    # istiod values.yaml: "pdb: ... maxUnavailable: 1" (read by poddisruptionbudget.yaml).
    "istiod": frozenset({"pdb.maxUnavailable"}),
}


@functools.cache
def chart_defaults(reference: Path, chart: str) -> dict[str, Any]:
    """A chart's settable values: what users set at the top level."""
    data = yaml.safe_load((reference / CHART_DIRS[chart] / "values.yaml").read_text())
    defaults = dict(data.pop("_internal_defaults_do_not_set", {}))
    defaults.update(data)
    return defaults


def unknown_value_keys(reference: Path, chart: str, values: Mapping[str, Any]) -> list[str]:
    """Dotted paths in ``values`` that the pinned chart does not have.

    Helm ignores an unknown key silently, so a misspelt one would change
    nothing in the cluster and nobody would notice.
    """
    known = chart_defaults(reference, chart)
    allowed_extra = DOCUMENTED_IN_COMMENTS.get(chart, frozenset())
    return sorted(_unknown(known, values, "", FREE_FORM[chart], allowed_extra))


def _unknown(known: Any, values: Mapping[str, Any], prefix: str,
             free: frozenset[str], extra: frozenset[str]) -> Iterator[str]:
    for key, value in values.items():
        path = f"{prefix}{key}"
        if path in free or path in extra or (not prefix and key in PROFILE_KEYS):
            continue
        if not isinstance(known, Mapping) or key not in known:
            yield path
            continue
        below = known[key]
        if isinstance(value, Mapping) and isinstance(below, Mapping) and below:
            yield from _unknown(below, value, f"{path}.", free, extra)
        elif isinstance(value, Mapping) and below not in ({}, None):
            yield path  # a mapping where the chart has a scalar or a list


@functools.cache
def crds(reference: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """CRDs by (group, kind)."""
    docs = yaml.safe_load_all((reference / "base" / "files" / "crd-all.gen.yaml").read_text())
    return {
        (doc["spec"]["group"], doc["spec"]["names"]["kind"]): doc
        for doc in docs
        if doc and doc.get("kind") == "CustomResourceDefinition"
    }


def openapi_to_jsonschema(schema: Any) -> Any:
    """An openAPIV3Schema as a JSON Schema that also refuses unknown fields.

    The API server prunes unknown fields silently instead of failing, which
    would hide a misspelt policy field; so every object with declared
    properties gets ``additionalProperties: false`` unless the CRD says it
    preserves unknown fields. CEL rules (x-kubernetes-validations) are not
    evaluated here.
    """
    if isinstance(schema, list):
        return [openapi_to_jsonschema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: openapi_to_jsonschema(v) for k, v in schema.items()
           if not k.startswith("x-kubernetes-") and k != "nullable"}
    if schema.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if ("properties" in schema and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def crd_problems(reference: Path, manifest: Mapping[str, Any]) -> list[str]:
    """Why ``manifest`` would be refused by the real CRD, or [] when it is accepted."""
    import jsonschema

    group, _, version = manifest["apiVersion"].rpartition("/")
    crd = crds(reference).get((group, manifest["kind"]))
    if crd is None:
        return [f"no CRD for kind {manifest['kind']} in group {group!r}"]
    served = {v["name"]: v for v in crd["spec"]["versions"] if v.get("served")}
    if version not in served:
        return [f"{group}/{manifest['kind']} does not serve {version}; served: {sorted(served)}"]
    problems = []
    if crd["spec"]["scope"] == "Namespaced" and not manifest.get("metadata", {}).get("namespace"):
        problems.append("namespaced kind without metadata.namespace")
    schema = dict(openapi_to_jsonschema(served[version]["schema"]["openAPIV3Schema"]))
    schema["properties"] = {**schema.get("properties", {}),
                            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                            "metadata": {"type": "object"}}
    validator = jsonschema.Draft7Validator(schema)
    problems += [f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                 for e in sorted(validator.iter_errors(dict(manifest)), key=str)]
    return problems

"""Readers for Istio's real 1.30.3 data (third_party/istio/1.30.3): chart values and CRD schemas."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

# Istio's CRD file is about a megabyte: libyaml reads it ten times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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

# Keys a chart's templates read that its values.yaml leaves out altogether;
# tests/contracts/test_chart_rendering.py checks each against the vendored template and
# renders it.
READ_BY_TEMPLATES: dict[str, frozenset[str]] = {
    # ztunnel templates/daemonset.yaml: "{{- if .Values.nodeSelector }}".
    "ztunnel": frozenset({"nodeSelector"}),
}


@functools.cache
def chart_defaults(reference: Path, chart: str) -> dict[str, Any]:
    """A chart's settable values: what users set at the top level."""
    data = yaml.load((reference / CHART_DIRS[chart] / "values.yaml").read_text(), Loader=_YAML_LOADER)
    defaults = dict(data.pop("_internal_defaults_do_not_set", {}))
    defaults.update(data)
    return defaults


def unknown_value_keys(reference: Path, chart: str, values: Mapping[str, Any]) -> list[str]:
    """Dotted paths in ``values`` that the pinned chart does not have.

    Helm ignores an unknown key silently, so a misspelt one would change
    nothing in the cluster and nobody would notice.
    """
    known = chart_defaults(reference, chart)
    allowed_extra = (DOCUMENTED_IN_COMMENTS.get(chart, frozenset())
                     | READ_BY_TEMPLATES.get(chart, frozenset()))
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
    docs = yaml.load_all((reference / "base" / "files" / "crd-all.gen.yaml").read_text(), Loader=_YAML_LOADER)
    return {
        (doc["spec"]["group"], doc["spec"]["names"]["kind"]): doc
        for doc in docs
        if doc and doc.get("kind") == "CustomResourceDefinition"
    }


def unknown_fields(schema: Mapping[str, Any], value: Any, path: str = "") -> list[str]:
    """Fields of ``value`` the structural ``schema`` does not declare.

    The API server prunes such fields silently instead of failing, which
    would hide a misspelt policy field, so the tests refuse them. Written as
    a walk over the object, not as a schema rewrite: it is this suite's own
    oracle, independent of the linter's converter (istio_mesh.lint.crd).
    """
    found: list[str] = []
    if isinstance(value, Mapping) and not schema.get("x-kubernetes-preserve-unknown-fields"):
        declared = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, sub in value.items():
            where = f"{path}.{key}" if path else str(key)
            if declared is not None and key in declared:
                found += unknown_fields(declared[key], sub, where)
            elif isinstance(extra, Mapping):
                found += unknown_fields(extra, sub, where)
            elif declared is not None and extra is None:
                found.append(f"{path or '(root)'}: unknown field {key!r} (the API server would prune it)")
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for i, sub in enumerate(value):
            found += unknown_fields(schema["items"], sub, f"{path}.{i}")
    return found


def crd_problems(reference: Path, manifest: Mapping[str, Any]) -> list[str]:
    """Why ``manifest`` would be refused by the real CRD, or [] when it is accepted."""
    return schema_problems(crds(reference), manifest)[0]


def schema_problems(
    by_identity: Mapping[tuple[str, str], Mapping[str, Any]], manifest: Mapping[str, Any], channel: str = ""
) -> tuple[list[str], Mapping[str, Any] | None]:
    """Why the CRD for ``manifest``'s kind (from ``by_identity``, keyed by group
    and kind) would refuse it or prune part of it, and the served version's
    ``openAPIV3Schema`` (None when no CRD serves the kind and version)."""
    import jsonschema

    group, _, version = manifest["apiVersion"].rpartition("/")
    crd = by_identity.get((group, manifest["kind"]))
    if crd is None:
        return [f"no {channel + ' ' if channel else ''}CRD for kind {manifest['kind']} in group {group!r}"], None
    served = {v["name"]: v for v in crd["spec"]["versions"] if v.get("served")}
    if version not in served:
        return [f"{group}/{manifest['kind']} does not serve {version}; served: {sorted(served)}"], None
    problems = []
    if crd["spec"]["scope"] == "Namespaced" and not manifest.get("metadata", {}).get("namespace"):
        problems.append("namespaced kind without metadata.namespace")
    # The openAPIV3Schema as written: JSON Schema ignores the x-kubernetes-*
    # keywords, and the API server checks apiVersion, kind and metadata itself.
    written = served[version]["schema"]["openAPIV3Schema"]
    schema = dict(written)
    schema["properties"] = {**schema.get("properties", {}),
                            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                            "metadata": {"type": "object"}}
    validator = jsonschema.Draft7Validator(schema)
    problems += [f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                 for e in sorted(validator.iter_errors(dict(manifest)), key=str)]
    return problems + unknown_fields(schema, dict(manifest)), written

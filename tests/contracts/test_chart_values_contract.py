"""Every Helm values key the stack emits exists in the pinned chart.

Helm ignores unknown keys silently, so a misspelt or outdated key would
install a mesh that differs from the config with no error anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import FULL_FIXTURES, REPO, SNAPSHOTTED, Synth, helm_releases, release_values
from istio_reference import chart_defaults, unknown_value_keys

CONFIGS = SNAPSHOTTED + FULL_FIXTURES


def _releases(synth: Synth) -> list[tuple[str, str, dict]]:
    """Releases of Istio's charts (the Gateway API CRD chart ships in the
    package and is checked against its own values below)."""
    return [
        (f"{name}-mesh/{rid}", release["chart"], release_values(release))
        for name in CONFIGS
        for rid, release in helm_releases(synth.stack(f"{name}-mesh")).items()
        # Kiali's chart is not Istio's: test_observability.py checks its values.
        if "repository" in release and release["chart"] != "kiali-server"
    ]


def test_gateway_api_crd_values_exist_in_the_shipped_chart(synth: Synth) -> None:
    import yaml

    chart_values = yaml.safe_load(
        (REPO / "constructs" / "istio_mesh" / "charts" / "gateway-api-crds" / "values.yaml").read_text()
    )
    seen = []
    for name in CONFIGS:
        release = helm_releases(synth.stack(f"{name}-mesh")).get("gateway-api-crds")
        if release is not None:
            seen.append(name)
            assert set(release_values(release)) <= set(chart_values), name
    assert "ambient" in seen


def test_every_values_key_exists_in_its_chart(synth: Synth, reference: Path) -> None:
    unknown = {
        where: keys
        for where, chart, values in _releases(synth)
        if (keys := unknown_value_keys(reference, chart, values))
    }
    assert unknown == {}


def test_all_five_charts_are_covered(synth: Synth) -> None:
    assert {chart for _, chart, _ in _releases(synth)} == {
        "base", "istiod", "cni", "gateway", "ztunnel"}


def test_gateway_values_pass_the_charts_own_schema(synth: Synth, reference: Path) -> None:
    schema = json.loads((reference / "gateway" / "values.schema.json").read_text())
    errors = {
        where: [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(values)]
        for where, chart, values in _releases(synth)
        if chart == "gateway"
    }
    assert {k: v for k, v in errors.items() if v} == {}


@pytest.mark.parametrize(
    ("chart", "values", "expected"),
    [
        ("istiod", {"autoscaleMinimum": 3}, ["autoscaleMinimum"]),
        ("istiod", {"pilot": {"autoscaleMin": 3}}, ["pilot"]),
        ("istiod", {"global": {"proxy": {"holdApplication": True}}}, ["global.proxy.holdApplication"]),
        ("istiod", {"replicaCount": {"value": 3}}, ["replicaCount"]),
        ("gateway", {"autoscaling": {"minReplica": 2}}, ["autoscaling.minReplica"]),
        ("base", {"base": {"enableCRDs": True}}, ["base.enableCRDs"]),
        ("istiod", {"meshConfig": {"anything": 1}, "platform": "gke"}, []),
    ],
)
def test_the_check_catches_misspelt_keys(reference: Path, chart: str, values: dict, expected: list[str]) -> None:
    assert unknown_value_keys(reference, chart, values) == expected


def test_chart_values_are_read_from_the_vendored_reference(reference: Path) -> None:
    assert chart_defaults(reference, "istiod")["autoscaleMin"] == 1
    assert chart_defaults(reference, "gateway")["podDisruptionBudget"] == {}

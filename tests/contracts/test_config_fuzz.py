"""Property-based tests of config loading: load and build, or a ConfigError.

A short run of the generators in tests/config_fuzz.py; ``make fuzz`` runs
the same property over at least 10,000 documents.
"""

from __future__ import annotations

import tempfile

import pytest
from hypothesis import HealthCheck, given, settings

from config_fuzz import (
    FILE,
    check_fleet_document,
    SEED_FILES,
    TEMPLATES,
    assert_well_formed,
    check_document,
    near_valid_texts,
    yaml_texts,
)
from fleet_form import as_fleet
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.cluster import MeshConfig

QUICK = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@QUICK
@given(yaml_texts())
def test_arbitrary_yaml_loads_or_is_refused_by_name(text: str) -> None:
    check_document(text)


@QUICK
@given(near_valid_texts())
def test_near_valid_configs_load_and_build_or_are_refused_by_name(text: str) -> None:
    check_document(text)


@settings(QUICK, max_examples=60)
@given(yaml_texts())
def test_arbitrary_yaml_as_a_fleet_file_loads_or_is_refused_by_name(text: str) -> None:
    check_fleet_document(text)


@settings(QUICK, max_examples=60)
@given(near_valid_texts())
def test_near_valid_configs_in_a_fleet_cluster_load_or_are_refused_by_name(text: str) -> None:
    check_fleet_document(as_fleet(text))


@settings(QUICK, max_examples=25)
@given(near_valid_texts())
def test_configs_that_load_also_synthesize(text: str) -> None:
    from istio_mesh.app import build_app

    config = check_document(text)
    if isinstance(config, MeshConfig):
        with tempfile.TemporaryDirectory() as outdir:
            build_app({"fuzz": config}, outdir=outdir).synth()


@pytest.mark.parametrize("index", range(len(TEMPLATES)))
def test_every_pathological_template_is_handled(index: int) -> None:
    # The templates are in the generators too; here each one runs every time.
    check_document(TEMPLATES[index])


def test_the_seed_configs_load() -> None:
    # The near-valid generator mutates these; they must start out valid.
    for path in SEED_FILES:
        assert isinstance(check_document(path.read_text()), MeshConfig), path


def test_the_property_rejects_a_malformed_refusal() -> None:
    # The check must be able to fail: a multi-line problem or one that names
    # no field is not a well-formed refusal.
    with pytest.raises(AssertionError):
        assert_well_formed(ConfigError(FILE, ["istiod.replicas: bad\nsecond line"]))
    with pytest.raises(AssertionError):
        assert_well_formed(ConfigError(FILE, ["something went wrong"]))
    assert_well_formed(ConfigError(FILE, ["istiod['a b'].x[0]: got 1"]))

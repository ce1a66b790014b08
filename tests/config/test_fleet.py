"""Fleet files go through the cluster files' reader and checks.

The per-case parity with cluster files is in test_config_errors.py and
test_config_document.py (``test_error_text_in_a_fleet_cluster``); these are
the fleet's own parts: its schema (meshes -> shared, clusters), the shared
settings, and settings that reach synthesis only through a fleet.
"""

from __future__ import annotations

import re
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from config_fuzz import near_valid_texts
from fleet_form import as_fleet, fleet_error_for, in_fleet
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.fleet import Fleet, FleetMesh, load_fleet
from istio_mesh.config.loader import load_configs, parse_config


def fleet_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "fleets" / "prod.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_fleet(path)
    return str(caught.value).replace(str(path), "prod.yaml")


def test_a_date_in_a_fleet_clusters_extra_values_is_refused_before_synthesis(tmp_path: Path) -> None:
    # This used to pass validation and crash synthesis: date is not JSON serializable.
    assert fleet_error_for(tmp_path, "istiod: {extraValues: {when: 2024-01-01}}") == (
        "config/fleets/prod.yaml: meshes.mesh1.clusters.east.istiod.extraValues.when: got "
        "2024-01-01 (date); YAML reads an unquoted date as a timestamp: put it in quotes"
    )


def test_deep_nesting_in_a_fleet_is_a_config_error_not_a_recursion_error(tmp_path: Path) -> None:
    text = "istiod: {extraValues: {x: " + "[" * 3000 + "]" * 3000 + "}}"
    assert fleet_error_for(tmp_path, text) == (
        "config/fleets/prod.yaml: YAML syntax error: lists and mappings are nested too deeply to read"
    )


def test_depth_counts_from_the_cluster_so_the_limit_is_the_cluster_files(tmp_path: Path) -> None:
    # 61 levels of lists under istiod.extraValues.x are 64 in all: the most a
    # cluster file allows, and so the most a fleet cluster allows.
    text = "istiod: {extraValues: {x: " + "[" * 61 + "]" * 61 + "}}"
    configs = load_fleet(_write(tmp_path, as_fleet(text)))
    assert list(configs) == ["east"]


def test_problems_in_shared_settings_name_the_shared_path(tmp_path: Path) -> None:
    text = """\
        meshes:
          mesh1:
            shared: {multicluster: {network: n}, istiod: {extraValues: {when: 2024-01-01}}}
            clusters: {east: {}}
        """
    assert fleet_error(tmp_path, text) == (
        "prod.yaml: meshes.mesh1.shared.istiod.extraValues.when: got 2024-01-01 (date); "
        "YAML reads an unquoted date as a timestamp: put it in quotes"
    )


def test_an_alias_bomb_in_one_cluster_is_refused_at_that_cluster(tmp_path: Path) -> None:
    layers = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    layers += [f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
               for p, n in zip("abcde", "bcdef")]
    bomb = "{" + ", ".join(layers) + "}"
    assert fleet_error_for(tmp_path, f"istiod: {{extraValues: {bomb}}}") == (
        "config/fleets/prod.yaml: meshes.mesh1.clusters.east: more than 100000 values once "
        "YAML aliases are expanded; a config is a few hundred"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "meshes: {mesh1: {cluster: {east: {}}}}",
            "prod.yaml: meshes.mesh1.clusters: required key is missing\n"
            "prod.yaml: meshes.mesh1.cluster: unknown key; allowed keys: clusters, shared "
            "(did you mean 'clusters'?)",
            id="misspelt-clusters",
        ),
        pytest.param(
            "mesh: {}",
            "prod.yaml: meshes: required key is missing\n"
            "prod.yaml: mesh: unknown key; allowed keys: meshes (did you mean 'meshes'?)",
            id="misspelt-meshes",
        ),
        pytest.param(
            "meshes: {mesh1: [east]}",
            "prod.yaml: meshes.mesh1: got ['east'] (list); must be a valid dictionary or "
            "instance of FleetMesh",
            id="mesh-not-a-mapping",
        ),
        pytest.param(
            "meshes: {mesh1: {shared: [a], clusters: {east: {}}}}",
            "prod.yaml: meshes.mesh1.shared: got ['a'] (list); must be a valid dictionary",
            id="shared-not-a-mapping",
        ),
        pytest.param(
            "meshes: {mesh1: {clusters: {east: 5}}}",
            "prod.yaml: meshes.mesh1.clusters.east: got 5 (integer); must be a valid dictionary",
            id="cluster-not-a-mapping",
        ),
        pytest.param(
            "meshes: {mesh1: {clusters: {2024-01-01: {}}}}",
            "prod.yaml: meshes.mesh1.clusters: key 2024-01-01 (date) is not a string: put it "
            "in quotes",
            id="date-as-cluster-name",
        ),
        pytest.param(
            "meshes: {mesh1: {clusters: {}}}",
            "prod.yaml: meshes.mesh1.clusters: required: a mapping of cluster name -> settings",
            id="no-clusters",
        ),
        pytest.param(
            "meshes: {}",
            "prod.yaml: meshes: required: a mapping of mesh name -> {shared, clusters}",
            id="no-meshes",
        ),
        pytest.param(
            "[meshes]",
            "prod.yaml: expected a fleet: a mapping with the key 'meshes'",
            id="not-a-mapping",
        ),
        pytest.param(
            "meshes: {mesh1: {clusters: {East_1: {}}}}",
            "prod.yaml: meshes.mesh1.clusters.East_1: cluster name 'East_1' cannot name stacks; "
            "use lowercase letters, digits and '-' (at most 42)",
            id="cluster-name",
        ),
    ],
)
def test_fleet_schema_errors(tmp_path: Path, text: str, message: str) -> None:
    assert fleet_error(tmp_path, text) == message


def test_a_fleet_file_that_is_a_directory_is_worded_as_a_cluster_files(tmp_path: Path) -> None:
    (tmp_path / "fleets" / "prod.yaml").mkdir(parents=True)
    with pytest.raises(ConfigError) as caught:
        load_configs([tmp_path / "fleets" / "prod.yaml"])
    assert str(caught.value).endswith(
        "prod.yaml: is a directory, not a config file; name a regular YAML file")


def test_the_fleet_schema_is_a_frozen_model() -> None:
    fleet = Fleet.model_validate({"meshes": {"m": {"clusters": {"a": None}}}})
    assert fleet.meshes["m"] == FleetMesh(clusters={"a": None})
    with pytest.raises(ValueError):
        fleet.meshes["m"].shared = {}  # type: ignore[misc]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fleets" / "prod.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# A fleet makes every cluster a multicluster member with a derived mesh ID,
# so documents that set those sections can differ by design.
_FLEET_OWNED = re.compile(r"multicluster|\bmesh\b|meshId")
# A document marker or directive at the start of a line belongs to the whole
# file: indented into a fleet it is no longer one, so the texts cannot agree.
_DOCUMENT_LEVEL = re.compile(r"^(?:---|\.\.\.|%)", re.MULTILINE)


@FUZZ
@given(near_valid_texts())
def test_a_cluster_refused_in_its_own_file_is_refused_alike_in_a_fleet(text: str) -> None:
    try:
        parse_config(text, "config/prod.yaml")
        cluster_message = None
    except ConfigError as exc:
        cluster_message = str(exc)
    with tempfile.TemporaryDirectory() as folder:
        try:
            fleet_message = fleet_error_for(Path(folder), text)
        except pytest.fail.Exception:
            fleet_message = None  # the fleet loaded
    if (_FLEET_OWNED.search(text) or _DOCUMENT_LEVEL.search(text) or cluster_message is None
            or _whole_file(cluster_message)):
        return
    if "YAML syntax error" in cluster_message:
        # Indented into a fleet, text the parser cannot read may fail at
        # another token (a stray indentation is a different mistake one
        # level down); it must still be a syntax error.
        assert fleet_message is not None and "YAML syntax error" in fleet_message
        return
    assert fleet_message == in_fleet(cluster_message)


def _whole_file(message: str) -> bool:
    return "file is empty" in message or "at the top level" in message

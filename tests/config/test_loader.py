"""The config loader (config/loader.py): which files a run reads, and how
each becomes a validated MeshConfig or a ConfigError naming the file, the
field and the problem. This file checks each public function's normal result
and its refusals; the wording of individual field errors is checked beside
their models (and tests/config/test_errors.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import CONFIG_DIR
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import (
    CONFIG_SELECTOR_ENV,
    ConfigErrors,
    load_config,
    load_configs,
    load_configs_with_sources,
    parse_config,
    select_config_paths,
    stack_prefix,
)

CLOUD = "backend: {{type: cloud, organization: acme, workspaces: {{mesh: {mesh}, policies: shared}}}}\n" \
        "connection: {{mode: variables}}\n"


def write(folder: Path, name: str, text: str = "istiod: {replicas: 1}\n") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# stack_prefix


def test_the_stack_prefix_is_the_file_stem() -> None:
    assert stack_prefix("config/prod-eu.yaml") == "prod-eu"


def test_the_stack_prefix_drops_only_the_last_suffix() -> None:
    assert stack_prefix(Path("/x/prod.v2.yaml")) == "prod.v2"


# load_config


def test_a_file_is_loaded_into_its_settings(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "prod.yaml", "istiod: {replicas: 3}\n"))
    assert config.istiod.replicas == 3


def test_a_stem_of_forty_two_characters_still_names_stacks(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "a" * 42 + ".yaml")).istiod.replicas == 1


@pytest.mark.parametrize("stem", ["Prod", "prod_eu", "a" * 43, "-prod"])
def test_a_stem_that_cannot_name_stacks_is_refused_before_reading(tmp_path: Path, stem: str) -> None:
    path = write(tmp_path, f"{stem}.yaml", "istiod: {replicas: 0}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == (
        f"file name '{stem}' cannot name stacks; use lowercase letters, digits and '-' (at most 42), "
        "e.g. prod.yaml",
    )


# parse_config


def test_parse_names_the_source_it_is_given_in_every_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("istiod: {replicas: 0}\nmesh: {dnsCapture: maybe}\n", "clusters/eu.yaml")
    assert str(caught.value).splitlines() == [
        "clusters/eu.yaml: istiod.replicas: got 0; allowed: 1 to 20",
        "clusters/eu.yaml: mesh.dnsCapture: got 'maybe' (string); must be a valid boolean, unable to "
        "interpret input",
    ]


def test_parse_without_a_source_calls_it_config() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("helm: {maxHistory: 0}")
    assert str(caught.value) == "<config>: helm.maxHistory: got 0; allowed: 1 to 100"


def test_an_empty_mapping_is_every_default() -> None:
    config = parse_config("{}")
    assert (config.istio.version, config.istiod.replicas, config.gateways) == ("1.30.3", 1, ())


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "---\n"])
def test_a_file_without_settings_is_refused_as_empty(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "c.yaml")
    assert str(caught.value) == "c.yaml: file is empty; expected a mapping of settings such as 'istiod:'"


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", "a list"), ("prod\n", "a string"), ("3\n", "an integer")])
def test_a_top_level_that_is_not_a_mapping_is_refused_with_what_it_is(text: str, kind: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "c.yaml")
    assert str(caught.value) == f"c.yaml: expected a mapping of settings at the top level, got {kind}"


def test_a_key_that_is_not_text_is_refused_before_the_model_sees_it() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("{1: a}", "c.yaml")
    assert str(caught.value) == "c.yaml: (top level): key 1 (integer) is not a string: put it in quotes"


# select_config_paths


def test_no_selector_selects_cluster_files_then_fleet_files_each_sorted(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yaml", "fleets/z.yaml", "fleets/m.yaml", "notes.txt", "other/c.yaml"):
        write(tmp_path, name)
    assert select_config_paths("", tmp_path) == [
        tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "fleets" / "m.yaml", tmp_path / "fleets" / "z.yaml",
    ]


def test_a_folder_with_only_fleet_files_selects_them(tmp_path: Path) -> None:
    write(tmp_path, "fleets/prod.yaml")
    assert select_config_paths(None, tmp_path) == [tmp_path / "fleets" / "prod.yaml"]


def test_a_missing_config_folder_selects_nothing_and_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        select_config_paths(None, tmp_path / "absent")
    assert str(caught.value) == f"{tmp_path / 'absent'}: no *.yaml config files found (nor fleets/*.yaml)"


def test_a_named_file_that_does_not_exist_is_kept_for_the_loader_to_report() -> None:
    assert select_config_paths("config/missing.yaml") == [Path("config/missing.yaml")]


def test_paths_split_on_commas_and_the_path_separator_lose_blanks_and_repeats() -> None:
    selector = f" a.yaml ,b.yaml{os.pathsep}a.yaml,, c.yaml "
    assert select_config_paths(selector) == [Path("a.yaml"), Path("b.yaml"), Path("c.yaml")]


def test_a_glob_and_a_name_for_the_same_file_select_it_once(tmp_path: Path) -> None:
    write(tmp_path, "dev.yaml")
    write(tmp_path, "prod.yaml")
    assert select_config_paths(f"{tmp_path}/prod.yaml,{tmp_path}/*.yaml") == [
        tmp_path / "prod.yaml", tmp_path / "dev.yaml",
    ]


@pytest.mark.parametrize("selector", [",", " , ", f"{os.pathsep} "])
def test_a_selector_of_separators_only_is_refused(selector: str) -> None:
    with pytest.raises(ConfigError) as caught:
        select_config_paths(selector)
    assert str(caught.value) == (
        f"{CONFIG_SELECTOR_ENV}: got {selector!a}, which names no file; give paths or globs separated by ','"
    )


def test_the_selector_is_read_from_mesh_config() -> None:
    assert CONFIG_SELECTOR_ENV == "MESH_CONFIG"


# load_configs and load_configs_with_sources


def test_configs_are_keyed_by_stack_prefix(tmp_path: Path) -> None:
    configs = load_configs([write(tmp_path, "eu.yaml"), write(tmp_path, "us.yaml", "istiod: {replicas: 2}\n")])
    assert {name: config.istiod.replicas for name, config in configs.items()} == {"eu": 1, "us": 2}


def test_no_paths_load_no_configs() -> None:
    assert load_configs([]) == {}


def test_each_fleet_cluster_comes_from_its_fleet_file() -> None:
    fleet = CONFIG_DIR / "fleets" / "multi-primary.yaml"
    configs, sources = load_configs_with_sources([fleet, CONFIG_DIR / "dev.yaml"])
    assert sources == {"east": fleet, "west": fleet, "dev": CONFIG_DIR / "dev.yaml"}
    assert (configs["east"].istiod.replicas, configs["west"].istiod.replicas) == (2, 3)


def test_a_fleet_cluster_named_like_a_cluster_file_is_refused(tmp_path: Path) -> None:
    fleet = CONFIG_DIR / "fleets" / "multi-primary.yaml"
    east = write(tmp_path, "east.yaml")
    with pytest.raises(ConfigErrors) as caught:
        load_configs([east, fleet])
    assert caught.value.problems == (
        f"cluster 'east' is also defined by {east}; stack names would collide",
    )


def test_every_bad_file_is_reported_and_the_errors_stay_apart(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", "istiod: {replicas: 0}\n")
    good = write(tmp_path, "good.yaml")
    empty = write(tmp_path, "empty.yaml", "")
    with pytest.raises(ConfigErrors) as caught:
        load_configs([bad, good, empty])
    errors = caught.value
    assert [e.path for e in errors.errors] == [str(bad), str(empty)]
    assert errors.path == f"{bad}, {empty}"
    assert errors.problems == (
        "istiod.replicas: got 0; allowed: 1 to 20",
        "file is empty; expected a mapping of settings such as 'istiod:'",
    )
    assert str(errors) == f"{bad}: istiod.replicas: got 0; allowed: 1 to 20\n" \
                          f"{empty}: file is empty; expected a mapping of settings such as 'istiod:'"


def test_two_files_keeping_the_policies_stack_in_one_workspace_are_refused(tmp_path: Path) -> None:
    eu = write(tmp_path, "eu.yaml", CLOUD.format(mesh="istio-eu"))
    us = write(tmp_path, "us.yaml", CLOUD.format(mesh="istio-us"))
    with pytest.raises(ConfigErrors) as caught:
        load_configs([eu, us])
    assert str(caught.value) == (
        f"{us}: backend: us-policies keeps its state in HCP Terraform workspace app.terraform.io/acme/shared, "
        f"as eu-policies ({eu}) does; every stack needs its own"
    )


def test_two_files_with_their_own_workspaces_load_side_by_side(tmp_path: Path) -> None:
    eu = write(tmp_path, "eu.yaml", CLOUD.format(mesh="istio-eu").replace("shared", "pol-eu"))
    us = write(tmp_path, "us.yaml", CLOUD.format(mesh="istio-us").replace("shared", "pol-us"))
    assert sorted(load_configs([eu, us])) == ["eu", "us"]

"""Configs are read with libyaml's parser when PyYAML has it (the pinned wheel
does); PyYAML's own parser still words every error (tests/config/test_errors.py
checks the texts)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import CONFIG_DIR, FIXTURES, SHIPPED
from istio_mesh.config import loader, reader

CONFIG_FILES = [CONFIG_DIR / f"{name}.yaml" for name in SHIPPED] + sorted((FIXTURES / "full").glob("*.yaml"))


def test_the_pinned_pyyaml_reads_configs_with_libyaml() -> None:
    assert yaml.__with_libyaml__
    assert reader._FastStrictLoader is not None


@pytest.mark.parametrize("path", CONFIG_FILES, ids=lambda p: p.stem)
def test_both_parsers_read_every_config_alike(path: Path) -> None:
    text = path.read_text()
    assert reader.parse_yaml(text) == yaml.load(text, Loader=reader._StrictLoader)  # noqa: S506


def test_libyaml_path_refuses_duplicate_keys_too() -> None:
    assert reader._FastStrictLoader is not None
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'a'"):
        yaml.load("a: 1\na: 2\n", Loader=reader._FastStrictLoader)  # noqa: S506


def test_errors_are_worded_by_pyyamls_own_parser() -> None:
    # libyaml would say "mapping values are not allowed in this context".
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        reader.parse_yaml("istiod:\n  replicas: 1\n  bad: x: y\n")
    assert caught.value.problem == "mapping values are not allowed here"


def test_odd_scalars_the_fast_reader_chokes_on_are_worded_by_the_strict_one() -> None:
    # libyaml's constructors let Python's own errors escape (month 13); the
    # file is re-read by PyYAML's parser, whose wording the user sees.
    from istio_mesh.config.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        loader.parse_config("istio: {version: 2001-13-45}\n", "x.yaml")
    assert str(caught.value).startswith("x.yaml: YAML syntax error at line 1, column 18: ")

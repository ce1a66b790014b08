"""Protection settings (config/protection.py): whether Terraform must refuse
to destroy the mesh. This file checks the default, the YAML spelling and
that only a boolean is accepted."""

from __future__ import annotations

import pytest

from conftest import config_from
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.protection import ProtectionSettings


def test_a_mesh_can_be_destroyed_by_default() -> None:
    assert ProtectionSettings().prevent_destroy is False
    assert config_from("istiod: {replicas: 1}").protection.prevent_destroy is False


def test_prevent_destroy_is_read_from_its_camel_case_key() -> None:
    assert config_from("protection: {preventDestroy: true}").protection.prevent_destroy is True


def test_prevent_destroy_that_is_not_a_boolean_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from("protection: {preventDestroy: always}")
    assert str(caught.value) == (
        "test.yaml: protection.preventDestroy: got 'always' (string); must be a valid boolean, "
        "unable to interpret input"
    )


def test_the_snake_case_spelling_is_refused_in_yaml_as_an_unknown_key() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from("protection: {prevent-destroy: true}")
    assert str(caught.value).startswith(
        "test.yaml: protection.prevent-destroy: unknown key; allowed keys: preventDestroy"
    )


def test_protection_settings_cannot_be_changed_once_loaded() -> None:
    settings = ProtectionSettings(prevent_destroy=True)
    with pytest.raises(ValueError):
        settings.prevent_destroy = False  # type: ignore[misc]
    assert settings.prevent_destroy is True

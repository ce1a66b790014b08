"""Istio and Helm settings (config/istio.py): which Istio release every chart
installs, where charts and images come from, and how releases are applied.
This file checks the defaults, the oldest supported release, the repository
and hub checks (no credentials, only https, http or oci URLs) and Helm's
bounds."""

from __future__ import annotations

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.istio import HelmSettings, IstioSettings, Platform, supported_version


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


# supported_version


def test_the_oldest_supported_release_is_accepted_as_is() -> None:
    assert supported_version("1.24.0") == "1.24.0"


def test_a_release_older_than_the_oldest_chart_layout_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^Istio 1\.23\.9 is not supported; use 1\.24\.0 or newer$"):
        supported_version("1.23.9")


def test_a_version_that_is_not_a_release_number_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^must be a release version such as '1\.30\.3'$"):
        supported_version("latest")


# IstioSettings


def test_istio_defaults_to_the_pinned_release_from_istios_own_homes() -> None:
    istio = IstioSettings()
    assert (istio.version, istio.chart_repository, istio.image_hub) == (
        "1.30.3", "https://blob.istio.io/istio-release/charts", "docker.io/istio"
    )
    assert (istio.tag, istio.image_pull_secrets, istio.platform, istio.profile) == (None, (), Platform.NONE, "default")


def test_a_configured_hub_is_where_every_image_comes_from() -> None:
    assert IstioSettings(hub="registry.example.com/istio").image_hub == "registry.example.com/istio"


def test_an_unquoted_version_is_refused_as_a_number() -> None:
    assert error_for("istio: {version: 1.30}") == (
        "test.yaml: istio.version: got 1.3 (number); must be a string: put it in quotes"
    )


def test_a_version_below_the_oldest_supported_is_refused_with_the_minimum() -> None:
    assert error_for("istio: {version: '1.22.1'}") == (
        "test.yaml: istio.version: got '1.22.1'; Istio 1.22.1 is not supported; use 1.24.0 or newer"
    )


def test_a_minor_without_a_patch_is_refused() -> None:
    assert error_for("istio: {version: '1.30'}") == (
        "test.yaml: istio.version: got '1.30'; must be a release version such as '1.30.3'"
    )


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("oci://ghcr.io/istio/release/charts/", "oci://ghcr.io/istio/release/charts"),
        ("https://charts.example.com/istio//", "https://charts.example.com/istio"),
        ("http://10.0.0.5:8080", "http://10.0.0.5:8080"),
    ],
)
def test_a_chart_repository_url_is_kept_without_its_trailing_slashes(given: str, kept: str) -> None:
    assert IstioSettings(chart_repository=given).chart_repository == kept


def test_a_chart_repository_of_another_scheme_is_refused() -> None:
    assert error_for("istio: {chartRepository: 'ftp://charts.example.com/istio'}") == (
        "test.yaml: istio.chartRepository: got 'ftp://charts.example.com/istio'; "
        "must be an https://, http:// or oci:// URL"
    )


def test_a_chart_repository_with_a_blank_in_its_path_is_refused() -> None:
    assert error_for("istio: {chartRepository: 'https://charts.example.com/my charts'}").endswith(
        "must be an https://, http:// or oci:// URL"
    )


def test_a_chart_repository_carrying_a_password_is_refused_without_echoing_it() -> None:
    message = error_for("istio: {chartRepository: 'https://ci:s3cret@charts.example.com/istio'}")
    assert message.startswith(
        "test.yaml: istio.chartRepository: got 'https://***@charts.example.com/istio' (redacted), "
        "which carries a user and password"
    )
    assert "s3cret" not in message


def test_a_hub_carrying_a_password_is_refused_and_pull_secrets_are_suggested() -> None:
    message = error_for("istio: {hub: 'ci:s3cret@registry.example.com/istio'}")
    assert message.startswith("test.yaml: istio.hub: got '***@registry.example.com/istio' (redacted)")
    assert message.endswith("give the plain registry and name pull Secrets in imagePullSecrets")
    assert "s3cret" not in message


def test_a_platform_istio_has_no_profile_for_is_refused_with_the_known_ones() -> None:
    assert error_for("istio: {platform: eks}") == (
        "test.yaml: istio.platform: got 'eks' (string); must be '', 'gke', 'k3d', 'k3s', 'microk8s', "
        "'minikube' or 'openshift'"
    )


def test_a_known_platform_is_read_from_its_yaml_spelling() -> None:
    assert config_from("istio: {platform: k3d}").istio.platform is Platform.K3D


def test_a_profile_other_than_default_or_ambient_is_refused() -> None:
    assert error_for("istio: {profile: demo}") == (
        "test.yaml: istio.profile: got 'demo' (string); must be 'default' or 'ambient'"
    )


def test_a_pull_secret_that_is_not_a_dns_label_is_refused() -> None:
    assert error_for("istio: {imagePullSecrets: [Pull_Secret]}").startswith(
        "test.yaml: istio.imagePullSecrets[0]: got 'Pull_Secret'; must be a DNS-1123 label"
    )


# HelmSettings


def test_helm_releases_are_atomic_with_ten_minutes_and_ten_revisions_by_default() -> None:
    helm = HelmSettings()
    assert (helm.timeout_seconds, helm.max_history, helm.atomic) == (600, 10, True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("helm: {timeoutSeconds: 59}", "test.yaml: helm.timeoutSeconds: got 59; allowed: 60 to 3600"),
        ("helm: {timeoutSeconds: 3601}", "test.yaml: helm.timeoutSeconds: got 3601; allowed: 60 to 3600"),
        ("helm: {maxHistory: 0}", "test.yaml: helm.maxHistory: got 0; allowed: 1 to 100"),
        ("helm: {maxHistory: 101}", "test.yaml: helm.maxHistory: got 101; allowed: 1 to 100"),
    ],
)
def test_helm_bounds_outside_their_range_are_refused(text: str, message: str) -> None:
    assert error_for(text) == message


def test_helm_bounds_at_their_edges_are_accepted() -> None:
    helm = config_from("helm: {timeoutSeconds: 3600, maxHistory: 1, atomic: false}").helm
    assert (helm.timeout_seconds, helm.max_history, helm.atomic) == (3600, 1, False)

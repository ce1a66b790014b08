"""The Istio / Kubernetes compatibility table and the refusals it drives."""

from __future__ import annotations

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.compat import KUBERNETES_SUPPORT, check_kubernetes_support
from istio_mesh.config.errors import ConfigError, RuleViolation
from istio_mesh.config.versions import DEFAULT_ISTIO_VERSION, MIN_ISTIO_VERSION, parse_version


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


def test_every_supported_istio_minor_has_a_row() -> None:
    # Raising DEFAULT_ISTIO_VERSION without a row for it must fail here.
    low, high = MIN_ISTIO_VERSION[1], parse_version(DEFAULT_ISTIO_VERSION)[1]
    assert sorted(KUBERNETES_SUPPORT, key=lambda v: int(v.split(".")[1])) == [
        f"1.{minor}" for minor in range(low, high + 1)]


def test_each_row_is_a_contiguous_window() -> None:
    for istio, kubernetes in KUBERNETES_SUPPORT.items():
        minors = [int(v.split(".")[1]) for v in kubernetes]
        assert minors == list(range(minors[0], minors[-1] + 1)), istio


def test_the_table_matches_istio_io_for_the_default_release() -> None:
    # istio.io, Supported Releases: 1.30 supports Kubernetes 1.32 to 1.36.
    assert KUBERNETES_SUPPORT["1.30"] == ("1.32", "1.33", "1.34", "1.35", "1.36")
    assert KUBERNETES_SUPPORT["1.24"] == ("1.28", "1.29", "1.30", "1.31")


@pytest.mark.parametrize(
    ("istio", "kubernetes"),
    [("1.30.3", "1.32"), ("1.30.3", "1.36"), ("1.30.0", "1.33.4"), ("1.24.6", "1.28"),
     ("1.28.2", "1.34")],
)
def test_supported_pairs_load(istio: str, kubernetes: str) -> None:
    config = config_from(f"istio: {{version: '{istio}'}}\nkubernetesVersion: '{kubernetes}'\n")
    assert config.kubernetes_version == kubernetes


def test_without_a_kubernetes_version_nothing_is_checked() -> None:
    assert config_from("istio: {version: '1.31.0'}").kubernetes_version is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "kubernetesVersion: '1.31'",
            "test.yaml: kubernetesVersion: Kubernetes 1.31 is not supported by Istio 1.30 "
            "(istio.version '1.30.3'); Istio 1.30 supports Kubernetes 1.32 to 1.36",
            id="cluster-too-old-for-istio",
        ),
        pytest.param(
            "istio: {version: '1.24.6'}\nkubernetesVersion: '1.33.1'",
            "test.yaml: kubernetesVersion: Kubernetes 1.33 is not supported by Istio 1.24 "
            "(istio.version '1.24.6'); Istio 1.24 supports Kubernetes 1.28 to 1.31",
            id="cluster-too-new-for-istio",
        ),
        pytest.param(
            "istio: {version: '1.31.0'}\nkubernetesVersion: '1.34'",
            "test.yaml: kubernetesVersion: cannot check Kubernetes 1.34 against Istio 1.31 "
            "(istio.version '1.31.0'): the compatibility table covers Istio 1.24 to 1.30; "
            "unset kubernetesVersion to install without the check",
            id="istio-newer-than-the-table",
        ),
        pytest.param(
            "kubernetesVersion: 'v1.33'",
            "test.yaml: kubernetesVersion: got 'v1.33'; must be a Kubernetes version such as "
            "'1.33' or '1.33.2'",
            id="not-a-version",
        ),
        pytest.param(
            "kubernetesVersion: 1.33",
            "test.yaml: kubernetesVersion: got 1.33 (number); must be a string: put it in quotes",
            id="unquoted",
        ),
    ],
)
def test_refusals(text: str, message: str) -> None:
    assert error_for(text) == message


def test_the_check_takes_one_version_so_each_revision_can_be_checked() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_kubernetes_support("1.28.2", "1.35", field=("revisions", 1, "version"),
                                 istio_field="revisions[1].version")
    assert caught.value.path == ("revisions", 1, "version")
    assert caught.value.message == (
        "Kubernetes 1.35 is not supported by Istio 1.28 (revisions[1].version '1.28.2'); "
        "Istio 1.28 supports Kubernetes 1.30 to 1.34")

"""The Istio release data the linter ships: which vendored release a pin is
checked against, and how the data file is built from a release's CRDs and
chart values. The build is checked on a tiny reference folder written here
(one CRD, small charts); the lookups on the package's shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from istio_mesh.lint.refdata import (
    CHARTS, build, checked_against, data_path, data_version, main, reference_data, render, vendored_versions,
)

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.istio.io}
spec:
  group: example.istio.io
  scope: Namespaced
  names: {kind: Widget}
  versions:
    - name: v1
      served: true
      schema:
        openAPIV3Schema:
          description: A widget.
          type: object
          properties:
            description: {type: string, description: The field called description.}
            spec:
              type: object
              x-kubernetes-validations:
                - {rule: 'has(self.size)', message: size is required, reason: FieldValueRequired}
              properties:
                size: {type: integer}
    - name: v1beta1
      served: true
      schema:
        openAPIV3Schema:
          description: Another text, the same schema once descriptions are gone.
          type: object
          properties:
            description: {type: string, description: The field called description.}
            spec:
              type: object
              x-kubernetes-validations:
                - {rule: 'has(self.size)', message: size is required, reason: FieldValueRequired}
              properties:
                size: {type: integer}
    - name: v1alpha1
      served: false
      schema:
        openAPIV3Schema: {type: object}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: not-a-crd}
"""

WIDGET_SCHEMA = {
    "type": "object",
    "properties": {
        "description": {"type": "string"},
        "spec": {"type": "object", "properties": {"size": {"type": "integer"}},
                 "x-kubernetes-validations": [{"rule": "has(self.size)", "message": "size is required"}]},
    },
}


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    (tmp_path / "base" / "files").mkdir(parents=True)
    (tmp_path / "base" / "files" / "crd-all.gen.yaml").write_text(CRD)
    for chart in CHARTS:
        (tmp_path / chart).mkdir(exist_ok=True)
        (tmp_path / chart / "values.yaml").write_text("global: {hub: docker.io/istio}\n")
    (tmp_path / "istiod" / "values.yaml").write_text(
        "_internal_defaults_do_not_set:\n  autoscaleMin: 1\n  env: {}\n  global: {hub: x}\n"
        "replicaCount: 2\nglobal: {tag: '1.30.3', proxy: {image: proxyv2}}\n")
    return tmp_path


# --- the lookups ---------------------------------------------------------------------------


def test_the_data_of_a_release_lives_in_the_package_by_version() -> None:
    assert data_path("1.29.6").name == "istio-1.29.6.json"
    assert data_path().name == "istio-1.30.3.json"
    assert data_path().parent.name == "data"


def test_the_package_ships_the_data_of_1_30_3() -> None:
    assert vendored_versions() == ["1.30.3"]
    assert reference_data()["istioVersion"] == "1.30.3"


def test_any_patch_of_a_vendored_minor_is_checked_against_that_minors_data() -> None:
    assert data_version("1.30.0") == "1.30.3"
    assert data_version("1.30.9") == "1.30.3"


def test_a_minor_without_vendored_data_has_none() -> None:
    assert data_version("1.31.0") is None


def test_a_pin_without_data_of_its_minor_is_checked_against_the_default_pins() -> None:
    assert checked_against("1.31.0") == "1.30.3"
    assert checked_against("1.30.5") == "1.30.3"


def test_the_shipped_data_is_read_once() -> None:
    assert reference_data() is reference_data()


# --- build and render ----------------------------------------------------------------------


def test_a_crd_is_reduced_to_scope_served_versions_and_shared_schemas(reference: Path) -> None:
    data = build(reference, "9.9.9")
    assert data["istioVersion"] == "9.9.9"
    assert data["crds"] == {"example.istio.io/Widget": {
        "scope": "Namespaced",
        # Both served versions share one schema once descriptions are dropped;
        # v1alpha1 is not served and left out.
        "versions": {"v1": 0, "v1beta1": 0},
        "schemas": [WIDGET_SCHEMA],
    }}


def test_chart_keys_merge_the_internal_defaults_and_end_in_none(reference: Path) -> None:
    keys = build(reference)["chartKeys"]
    assert sorted(keys) == ["base", "cni", "gateway", "istiod", "ztunnel"]
    assert keys["istiod"] == {
        "autoscaleMin": None,
        "env": None,
        "global": {"proxy": {"image": None}, "tag": None},
        "replicaCount": None,
    }
    assert keys["base"] == {"global": {"hub": None}}


def test_a_chart_without_its_values_file_cannot_be_built(reference: Path) -> None:
    (reference / "ztunnel" / "values.yaml").unlink()
    with pytest.raises(FileNotFoundError):
        build(reference)


def test_the_file_text_is_sorted_indented_and_ends_in_a_newline() -> None:
    assert render({"b": [1], "a": {"d": 1, "c": None}}) == (
        '{\n "a": {\n  "c": null,\n  "d": 1\n },\n "b": [\n  1\n ]\n}\n')


def test_a_rendered_file_reads_back_as_the_data(reference: Path) -> None:
    data = build(reference)
    assert json.loads(render(data)) == data


# --- main ----------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [[], ["a", "b"]])
def test_the_regeneration_command_needs_exactly_one_folder(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "", "usage: python -m istio_mesh.lint.refdata <istio reference dir>\n")

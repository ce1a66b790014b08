"""The config models' shared building blocks (istio_mesh.config.base): the
frozen, key-strict, camelCase base model, label and annotation rules,
quantities, resource requests and limits, and the unique-names check.

Checks each building block directly, with a small model of this file's own
where a building block only shows its behaviour inside a model.
"""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field, ValidationError

from istio_mesh.config.base import (
    Annotations,
    DnsLabel,
    Labels,
    MeshModel,
    Quantity,
    ResourceList,
    Resources,
    check_annotations,
    check_labels,
    models_in,
    refuse_repeats,
)
from istio_mesh.config.errors import RuleViolation


class _Leaf(MeshModel):
    """A model with one camelCase field."""

    max_replicas: int = 1


class _Other(MeshModel):
    """A second model, to see unions of models."""

    name: DnsLabel = "a"


class _Holder(MeshModel):
    """Every annotated type of the module, in one model."""

    name: DnsLabel = "x"
    labels: Labels = Field(default_factory=dict)
    annotations: Annotations = Field(default_factory=dict)
    amount: Quantity | None = None


def _violation(error: ValidationError) -> RuleViolation:
    """The RuleViolation a model validator raised, as pydantic carries it."""
    [detail] = error.errors()
    cause = detail["ctx"]["error"]
    assert isinstance(cause, RuleViolation)
    return cause


# -- models_in -----------------------------------------------------------------


def test_models_in_a_plain_model_class_is_that_class() -> None:
    assert models_in(_Leaf) == [_Leaf]


def test_models_in_finds_models_inside_optional_tuple_and_annotated_unions() -> None:
    assert models_in(_Leaf | None) == [_Leaf]
    assert models_in(tuple[_Leaf, ...]) == [_Leaf]
    assert models_in(Annotated[_Leaf | _Other, "tag"]) == [_Leaf, _Other]


def test_models_in_a_type_that_holds_no_model_is_empty() -> None:
    assert models_in(int) == []
    assert models_in(dict[str, str]) == []
    assert models_in(str | None) == []


# -- MeshModel -----------------------------------------------------------------


def test_a_mesh_model_reads_camel_case_keys_and_python_names() -> None:
    assert _Leaf.model_validate({"maxReplicas": 3}).max_replicas == 3
    assert _Leaf.model_validate({"max_replicas": 4}).max_replicas == 4


def test_a_mesh_model_dumps_camel_case_keys() -> None:
    assert _Leaf(max_replicas=2).model_dump() == {"maxReplicas": 2}


def test_a_mesh_model_refuses_an_unknown_key() -> None:
    with pytest.raises(ValidationError) as caught:
        _Leaf.model_validate({"maxReplica": 3})
    assert [e["type"] for e in caught.value.errors()] == ["extra_forbidden"]


def test_a_mesh_model_cannot_be_changed_after_validation() -> None:
    leaf = _Leaf(max_replicas=2)
    with pytest.raises(ValidationError):
        leaf.max_replicas = 5  # type: ignore[misc]
    assert leaf.max_replicas == 2


def test_a_mesh_model_validates_its_defaults_too() -> None:
    class BadDefault(MeshModel):
        name: DnsLabel = "Not_A_Label"

    with pytest.raises(ValidationError):
        BadDefault()


# -- DnsLabel ------------------------------------------------------------------


def test_a_dns_label_of_63_characters_is_accepted() -> None:
    assert _Holder(name="a" * 63).name == "a" * 63


@pytest.mark.parametrize("name", ["a" * 64, "Shop", "-shop", "shop-", "sh_op", ""])
def test_a_name_that_is_not_a_dns_label_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="must be a DNS-1123 label"):
        _Holder(name=name)


# -- labels ----------------------------------------------------------------------


def test_labels_with_prefixed_keys_and_an_empty_value_are_accepted() -> None:
    labels = {"app.kubernetes.io/name": "shop", "team": "", "tier": "a.b_c-d"}
    assert check_labels(labels) == labels


def test_a_label_key_with_a_bad_prefix_is_refused_at_that_key() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_labels({"Example.com/team": "a"})
    assert caught.value.path == ("Example.com/team",)
    assert caught.value.message == (
        "label key 'Example.com/team': the prefix before '/' must be a DNS-1123 subdomain "
        "of at most 253 characters"
    )


def test_a_label_key_name_over_63_characters_is_refused() -> None:
    key = "k" * 64
    with pytest.raises(RuleViolation) as caught:
        check_labels({key: "a"})
    assert caught.value.path == (key,)
    assert caught.value.message.endswith(
        "the name must be at most 63 letters, digits, '-', '_' or '.', starting and ending "
        "with a letter or digit"
    )


def test_a_label_value_with_a_space_is_refused_and_shown_quoted() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_labels({"team": "a b"})
    assert caught.value.path == ("team",)
    assert caught.value.message == (
        "got 'a b'; a label value must be empty or at most 63 letters, digits, '-', '_' or "
        "'.', starting and ending with a letter or digit"
    )


def test_a_bad_label_inside_a_model_is_a_validation_error_with_the_key_as_path() -> None:
    with pytest.raises(ValidationError) as caught:
        _Holder(labels={"team": "-a"})
    assert _violation(caught.value).path == ("team",)


# -- annotations -------------------------------------------------------------------


def test_annotations_allow_values_that_no_label_could_hold() -> None:
    annotations = {"example.com/note": "free text, with spaces: and colons"}
    assert check_annotations(annotations) == annotations


def test_an_annotation_key_with_a_space_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_annotations({"my note": "x"})
    assert caught.value.path == ("my note",)
    assert caught.value.message.startswith("annotation key 'my note': the name must be")


def test_annotations_of_exactly_256_kib_are_accepted() -> None:
    # key "a" (1 byte) + value: 262144 bytes in all.
    annotations = {"a": "x" * (256 * 1024 - 1)}
    assert check_annotations(annotations) == annotations


def test_annotations_one_byte_over_256_kib_are_refused_as_a_whole() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_annotations({"a": "x" * (256 * 1024)})
    assert caught.value.path == ()
    assert caught.value.message == (
        "annotations total 262145 bytes; Kubernetes allows at most 262144"
    )


def test_annotation_size_counts_bytes_not_characters() -> None:
    # 'é' is two bytes in UTF-8: 1 + 2 * 131072 = 262145 bytes.
    with pytest.raises(RuleViolation, match="annotations total 262145 bytes"):
        check_annotations({"a": "é" * (128 * 1024)})


# -- Quantity ------------------------------------------------------------------------


def test_a_yaml_number_is_kept_as_a_quantity_string() -> None:
    assert _Holder(amount=2).amount == "2"  # type: ignore[arg-type]
    assert _Holder(amount=0.5).amount == "0.5"  # type: ignore[arg-type]


def test_a_quantity_string_is_kept_as_written() -> None:
    assert _Holder(amount="256Mi").amount == "256Mi"


def test_a_boolean_is_not_a_quantity() -> None:
    with pytest.raises(ValidationError) as caught:
        _Holder(amount=True)  # type: ignore[arg-type]
    assert [e["type"] for e in caught.value.errors()] == ["string_type"]


def test_a_word_is_not_a_quantity() -> None:
    with pytest.raises(ValidationError, match="must be a Kubernetes quantity such as '500m'"):
        _Holder(amount="lots")


# -- ResourceList / Resources --------------------------------------------------------------


def test_a_resource_list_renders_only_the_amounts_that_are_set() -> None:
    assert ResourceList(cpu="500m").to_values() == {"cpu": "500m"}
    assert ResourceList(memory="1Gi").to_values() == {"memory": "1Gi"}
    assert ResourceList().to_values() == {}


def test_resources_without_limits_render_only_requests() -> None:
    resources = Resources.model_validate({"requests": {"cpu": "100m", "memory": "128Mi"}})
    assert resources.to_values() == {"requests": {"cpu": "100m", "memory": "128Mi"}}


def test_resources_default_to_empty_requests_and_no_limits() -> None:
    assert Resources().to_values() == {"requests": {}}


def test_resources_with_limits_render_both_blocks() -> None:
    resources = Resources.model_validate(
        {"requests": {"cpu": "1"}, "limits": {"cpu": "2", "memory": "1Gi"}}
    )
    assert resources.to_values() == {
        "requests": {"cpu": "1"}, "limits": {"cpu": "2", "memory": "1Gi"},
    }


def test_a_request_equal_to_its_limit_is_accepted_across_units() -> None:
    # 1Gi is 1024Mi: equal, not above.
    resources = Resources.model_validate(
        {"requests": {"memory": "1024Mi"}, "limits": {"memory": "1Gi"}}
    )
    assert resources.requests.memory == "1024Mi"


def test_a_request_above_its_limit_is_refused_at_the_request() -> None:
    with pytest.raises(ValidationError) as caught:
        Resources.model_validate({"requests": {"cpu": "1001m"}, "limits": {"cpu": "1"}})
    violation = _violation(caught.value)
    assert violation.path == ("requests", "cpu")
    assert violation.message == (
        "'1001m' is above the limit '1'; lower the request or set limits.cpu"
    )


def test_a_limit_on_one_resource_does_not_bound_the_other() -> None:
    resources = Resources.model_validate({"requests": {"memory": "8Gi"}, "limits": {"cpu": "1"}})
    assert resources.to_values() == {"requests": {"memory": "8Gi"}, "limits": {"cpu": "1"}}


def test_check_within_names_whose_limit_and_prefixes_the_path() -> None:
    resources = Resources.model_validate({"requests": {"memory": "2Gi"}})
    with pytest.raises(RuleViolation) as caught:
        resources.check_within(
            ResourceList(memory="1024Mi"), prefix=("resources",), whose="chart's default "
        )
    assert caught.value.path == ("resources", "requests", "memory")
    assert caught.value.message == (
        "'2Gi' is above the chart's default limit '1024Mi'; lower the request or set "
        "limits.memory"
    )


def test_check_within_accepts_requests_under_the_given_limits() -> None:
    resources = Resources.model_validate({"requests": {"cpu": "100m", "memory": "64Mi"}})
    assert resources.check_within(ResourceList(cpu="2", memory="1Gi")) is None


# -- refuse_repeats --------------------------------------------------------------------


def test_distinct_names_pass() -> None:
    assert refuse_repeats("gateways", ["a", "b", "c"]) is None


def test_an_empty_list_of_names_passes() -> None:
    assert refuse_repeats("gateways", []) is None


def test_a_repeated_name_is_refused_at_its_second_place() -> None:
    with pytest.raises(RuleViolation) as caught:
        refuse_repeats("revisions", ["a", "b", "a", "b"])
    assert caught.value.path == ("revisions", 2, "name")
    assert caught.value.message == "'a' is used more than once; names must be unique"

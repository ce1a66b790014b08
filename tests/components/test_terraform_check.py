"""TerraformCheck (components/terraform_check.py): a Terraform ``check`` block
written into the stack as an override; this file checks the JSON it writes
and that a check without assertions is refused."""

from __future__ import annotations

import pytest

from conftest import fresh_stack, synth_stack
from istio_mesh.components.terraform_check import Assertion, ScopedData, TerraformCheck


def test_a_check_with_scoped_data_writes_the_data_its_depends_on_and_every_assertion() -> None:
    stack = fresh_stack()
    TerraformCheck(
        stack, "ready", name="istiod_ready",
        data=ScopedData(
            type="kubernetes_resources", name="istiod",
            arguments={"api_version": "apps/v1", "kind": "Deployment", "namespace": "istio-system"},
            depends_on=("helm_release.istiod",),
        ),
        assertions=[
            Assertion("${length(data.kubernetes_resources.istiod.objects) > 0}", "istiod has no Deployment."),
            Assertion("${true}", "never shown."),
        ],
    )
    assert synth_stack(stack)["check"] == {
        "istiod_ready": {
            "data": {"kubernetes_resources": {"istiod": {
                "api_version": "apps/v1", "kind": "Deployment", "namespace": "istio-system",
                "depends_on": ["helm_release.istiod"],
            }}},
            "assert": [
                {"condition": "${length(data.kubernetes_resources.istiod.objects) > 0}",
                 "error_message": "istiod has no Deployment."},
                {"condition": "${true}", "error_message": "never shown."},
            ],
        }
    }


def test_a_check_without_data_or_data_without_depends_on_writes_only_what_it_has() -> None:
    stack = fresh_stack()
    TerraformCheck(stack, "a", name="plain", assertions=[Assertion("${1 == 1}", "one.")])
    TerraformCheck(
        stack, "b", name="unordered",
        data=ScopedData(type="kubernetes_resources", name="pods", arguments={"kind": "Pod"}),
        assertions=[Assertion("${2 == 2}", "two.")],
    )
    checks = synth_stack(stack)["check"]
    assert checks["plain"] == {"assert": [{"condition": "${1 == 1}", "error_message": "one."}]}
    assert checks["unordered"]["data"] == {"kubernetes_resources": {"pods": {"kind": "Pod"}}}


def test_a_check_without_assertions_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^test/c: check 'empty': Terraform needs at least one assert block$"):
        TerraformCheck(fresh_stack(), "c", name="empty", assertions=[])

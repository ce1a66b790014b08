"""Istio's CEL rules hold for every Istio object the stacks emit, and a
broken rule is reported (the evaluator is not vacuous)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cel_rules import cel_violations, rules
from conftest import Synth


def emitted_istio_objects(synth: Synth) -> list[tuple[str, str, dict[str, Any]]]:
    """(stack, address, manifest) of every Istio custom resource in every stack."""
    return [
        (name, address, resource["manifest"])
        for name in synth.stack_names()
        for address, resource in synth.stack(name).get("resource", {}).get(
            "kubernetes_manifest", {}).items()
        if resource["manifest"]["apiVersion"].split("/")[0].endswith(".istio.io")
    ]


def test_every_emitted_istio_object_keeps_every_cel_rule_of_its_kind(
    synth: Synth, reference: Path
) -> None:
    objects = emitted_istio_objects(synth)
    assert len(objects) > 40
    broken = [(stack, address, v) for stack, address, manifest in objects
              for v in cel_violations(reference, manifest)]
    assert broken == []


def test_the_emitted_kinds_carry_cel_rules_that_were_evaluated(synth: Synth, reference: Path) -> None:
    # Guards against a vacuous pass: the kinds we emit do have rules, and the
    # objects reach the schema nodes that hold them.
    kinds = {tuple(m["apiVersion"].rsplit("/", 1)) + (m["kind"],)
             for _, _, m in emitted_istio_objects(synth)}
    counts = {kind: len(rules(reference, kind[0], kind[2], kind[1])) for kind in kinds}
    assert {kind for kind, n in counts.items() if n} >= {
        ("security.istio.io", "v1", "AuthorizationPolicy"),
        ("networking.istio.io", "v1", "ServiceEntry"),
        ("networking.istio.io", "v1", "Sidecar"),
    }
    assert sum(counts.values()) > 50


def _manifest(api_version: str, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind,
            "metadata": {"name": "a", "namespace": "b"}, "spec": spec}


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        pytest.param(
            _manifest("networking.istio.io/v1", "ServiceEntry", {
                "hosts": ["a.example.com"], "ports": [{"number": 80, "name": "http", "protocol": "HTTP"}],
                "workloadSelector": {"labels": {"app": "a"}}, "endpoints": [{"address": "10.0.0.1"}],
            }),
            "only one of WorkloadSelector or Endpoints can be set",
            id="service-entry-selector-and-endpoints",
        ),
        pytest.param(
            _manifest("security.istio.io/v1", "AuthorizationPolicy", {
                "rules": [{"from": [{"source": {"serviceAccounts": ["shop/web"],
                                                "namespaces": ["shop"]}}]}],
            }),
            "Cannot set serviceAccounts with namespaces or principals",
            id="authorization-service-accounts-with-namespaces",
        ),
        pytest.param(
            _manifest("networking.istio.io/v1", "ServiceEntry", {
                "hosts": ["*"], "ports": [{"number": 80, "name": "http", "protocol": "HTTP"}],
            }),
            "hostname cannot be wildcard",
            id="service-entry-wildcard-host",
        ),
    ],
)
def test_a_broken_rule_is_reported(reference: Path, manifest: dict[str, Any], message: str) -> None:
    assert message in [v.message for v in cel_violations(reference, manifest)]


def test_kubernetes_functions_are_supplied(reference: Path) -> None:
    # substring (cel-go strings) and url/getScheme (Kubernetes' URL library)
    # appear in Istio's rules; a rule that used them would fail to evaluate
    # and be reported if they were missing.
    good = _manifest("networking.istio.io/v1", "ServiceEntry", {
        "hosts": ["a.example.com"], "ports": [{"number": 80, "name": "http", "protocol": "HTTP"}],
        "resolution": "STATIC", "endpoints": [{"address": "unix:///var/run/a.sock"}],
    })
    assert cel_violations(reference, good) == []
    bad = _manifest("networking.istio.io/v1", "ServiceEntry", {
        "hosts": ["a.example.com"], "ports": [{"number": 80, "name": "http", "protocol": "HTTP"}],
        "resolution": "STATIC", "endpoints": [{"address": "unix://relative"}],
    })
    assert cel_violations(reference, bad) != []

"""Placement: the exact text of every refusal, the chart values each setting
becomes, what wins against extraValues, and the production lint rules."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import REPO, config_from, error_for
from istio_mesh.config.control_planes import control_planes
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import parse_config
from istio_mesh.lint.engine import lint_config
from istio_mesh.values.cni import cni_values
from istio_mesh.values.gateway import gateway_values
from istio_mesh.values.istiod import istiod_values
from istio_mesh.values.ztunnel import ztunnel_values



LABEL_NAME = ("the name must be at most 63 letters, digits, '-', '_' or '.', starting and ending "
              "with a letter or digit")
LABEL_VALUE = ("a label value must be empty or at most 63 letters, digits, '-', '_' or '.', "
               "starting and ending with a letter or digit")
AMOUNT = "must be a number of pods (0 or more) or a percentage, e.g. 1 or '25%'"
P = "config/prod.yaml: istiod.placement"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("istiod: {placement: {priorityClassName: Bad_Name}}",
                     f"{P}.priorityClassName: got 'Bad_Name'; must be the name of a PriorityClass: "
                     "a DNS-1123 subdomain of lowercase letters, digits, '-' and '.', at most 253 "
                     "characters, e.g. 'system-cluster-critical'", id="priority-class-name"),
        pytest.param("gateways: [{name: gw, kind: ingress, placement: {priorityClassName: 3}}]",
                     "config/prod.yaml: gateways[0].placement.priorityClassName: got 3 (integer); "
                     "must be a string: put it in quotes", id="priority-class-number"),
        pytest.param("istiod: {placement: {nodeSelector: {'a b': x}}}",
                     f"{P}.nodeSelector['a b']: label key 'a b': {LABEL_NAME}", id="selector-key"),
        pytest.param("istiod: {placement: {nodeSelector: {pool: 'x y'}}}",
                     f"{P}.nodeSelector.pool: got 'x y'; {LABEL_VALUE}", id="selector-value"),
        pytest.param("istiod: {placement: {tolerations: [{key: 'bad key', operator: Exists}]}}",
                     f"{P}.tolerations[0].key: taint key 'bad key': {LABEL_NAME}", id="taint-key"),
        pytest.param("istiod: {placement: {tolerations: [{key: dedicated, value: 'a b'}]}}",
                     f"{P}.tolerations[0].value: got 'a b'; {LABEL_VALUE}", id="taint-value"),
        pytest.param("istiod: {placement: {tolerations: [{key: d, operator: Exists, value: x}]}}",
                     f"{P}.tolerations[0].value: got 'x' with operator Exists, which matches any "
                     "value; remove value or use operator Equal", id="exists-with-value"),
        pytest.param("istiod: {placement: {tolerations: [{value: x}]}}",
                     f"{P}.tolerations[0].key: is required with operator Equal; to tolerate every "
                     "taint, use operator Exists without a key", id="equal-without-key"),
        pytest.param("istiod: {placement: {tolerations: [{key: d, operator: In}]}}",
                     f"{P}.tolerations[0].operator: got 'In' (string); must be 'Exists' or 'Equal'",
                     id="operator"),
        pytest.param("istiod: {placement: {tolerations: [{key: d, effect: NoExec}]}}",
                     f"{P}.tolerations[0].effect: got 'NoExec' (string); must be 'NoSchedule', "
                     "'PreferNoSchedule' or 'NoExecute'", id="effect"),
        pytest.param("istiod: {placement: {tolerations: [{key: d, value: x, effect: NoSchedule, "
                     "tolerationSeconds: 30}]}}",
                     f"{P}.tolerations[0].tolerationSeconds: applies only to effect NoExecute, not "
                     "'NoSchedule'; set effect: NoExecute or remove tolerationSeconds",
                     id="seconds-without-noexecute"),
        pytest.param("istiod: {placement: {tolerations: [{key: d, effect: NoExecute, "
                     "tolerationSeconds: -1}]}}",
                     f"{P}.tolerations[0].tolerationSeconds: got -1; allowed: at least 0",
                     id="negative-seconds"),
        pytest.param("istiod: {placement: {rollout: {maxSurge: 0, maxUnavailable: '0%'}}}",
                     f"{P}.rollout.maxUnavailable: is 0 and so is maxSurge: no pod could ever be "
                     "replaced; allow at least one of them", id="rollout-stuck"),
        pytest.param("istiod: {placement: {rollout: {maxSurge: 1, maxUnavailable: '101%'}}}",
                     f"{P}.rollout.maxUnavailable: got '101%'; Kubernetes allows at most '100%'",
                     id="unavailable-above-100-percent"),
        pytest.param("istiod: {placement: {rollout: {maxSurge: '25', maxUnavailable: 1}}}",
                     f"{P}.rollout.maxSurge: got '25'; {AMOUNT}", id="percentage-without-sign"),
        pytest.param("istiod: {placement: {rollout: {maxSurge: true, maxUnavailable: 1}}}",
                     f"{P}.rollout.maxSurge: got True; {AMOUNT}", id="boolean-amount"),
        pytest.param("istiod: {placement: {rollout: {maxSurge: -1, maxUnavailable: 1}}}",
                     f"{P}.rollout.maxSurge: got -1; {AMOUNT}", id="negative-amount"),
        pytest.param("istiod: {placement: {rollout: {maxSurge: 1}}}",
                     f"{P}.rollout.maxUnavailable: required key is missing", id="half-a-rollout"),
        pytest.param("istiod: {placement: {priorityClass: x}}",
                     f"{P}.priorityClass: unknown key; allowed keys: nodeSelector, "
                     "priorityClassName, rollout, tolerations (did you mean 'priorityClassName'?)",
                     id="unknown-key"),
        pytest.param("ztunnel: {placement: {nodeSelector: {kubernetes.io/os: linux}}}",
                     "config/prod.yaml: ztunnel.placement.nodeSelector.kubernetes.io/os: the "
                     "ztunnel chart always sets kubernetes.io/os: linux, and a second entry would "
                     "make its pod spec invalid; remove it", id="ztunnel-os-selector"),
        pytest.param("ztunnel: {placement: {priorityClassName: x}}",
                     "config/prod.yaml: ztunnel.placement.priorityClassName: unknown key; allowed "
                     "keys: nodeSelector, rollout, tolerations", id="ztunnel-priority-class"),
        pytest.param("cni: {placement: {nodeSelector: {a: b}}}",
                     "config/prod.yaml: cni.placement.nodeSelector: unknown key; allowed keys: "
                     "rollout, tolerations", id="cni-node-selector"),
        pytest.param("cni: {placement: {rollout: {maxUnavailable: 0}}}",
                     "config/prod.yaml: cni.placement.rollout.maxUnavailable: is 0: the CNI agent "
                     "is never surged, so no agent could ever be replaced; use at least 1",
                     id="cni-rollout-stuck"),
        pytest.param("cni: {placement: {rollout: {maxSurge: 1, maxUnavailable: 1}}}",
                     "config/prod.yaml: cni.placement.rollout.maxSurge: unknown key; allowed keys: "
                     "maxUnavailable", id="cni-surge"),
        pytest.param("revisions: [{name: canary, placement: {tolerations: [{value: x}]}}]",
                     "config/prod.yaml: revisions[0].placement.tolerations[0].key: is required "
                     "with operator Equal; to tolerate every taint, use operator Exists without a "
                     "key", id="revision"),
    ],
)
def test_refusal_text(text: str, message: str) -> None:
    assert error_for(text) == message


# --- chart values -------------------------------------------------------------

PLACED = (
    "{priorityClassName: system-cluster-critical, nodeSelector: {node-pool: sys}, "
    "tolerations: [{key: dedicated, value: sys, effect: NoSchedule}, "
    "{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}], "
    "rollout: {maxSurge: '50%', maxUnavailable: 0}}"
)
TOLERATIONS = [
    {"key": "dedicated", "operator": "Equal", "value": "sys", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
     "tolerationSeconds": 30},
]


def istiod_of(text: str) -> dict[str, Any]:
    config = config_from(text)
    return istiod_values(config, control_planes(config)[0])


def test_istiod_placement_values_are_the_keys_its_deployment_reads() -> None:
    values = istiod_of(f"istiod: {{placement: {PLACED}}}")
    assert values["global"]["priorityClassName"] == "system-cluster-critical"
    assert values["global"]["istioNamespace"] == "istio-system"  # merged, not replaced
    assert values["nodeSelector"] == {"node-pool": "sys"}
    assert values["tolerations"] == TOLERATIONS
    assert (values["rollingMaxSurge"], values["rollingMaxUnavailable"]) == ("50%", 0)
    assert "priorityClassName" not in values


def test_each_revision_has_its_own_placement() -> None:
    config = config_from(
        "revisions:\n  - {name: stable, placement: {priorityClassName: a}}\n"
        "  - {name: canary, placement: {priorityClassName: b}}\ndefaultRevision: stable\n")
    assert [istiod_values(config, p)["global"]["priorityClassName"]
            for p in control_planes(config)] == ["a", "b"]


def test_gateway_placement_values() -> None:
    config = config_from(f"gateways: [{{name: gw, kind: ingress, placement: {PLACED}}}]")
    values = gateway_values(config, config.gateways[0])
    assert values["priorityClassName"] == "system-cluster-critical"
    assert values["nodeSelector"] == {"node-pool": "sys"}
    assert values["tolerations"] == TOLERATIONS
    assert values["strategy"] == {"type": "RollingUpdate",
                                  "rollingUpdate": {"maxSurge": "50%", "maxUnavailable": 0}}


def test_ztunnel_placement_values() -> None:
    config = config_from(
        "istio: {profile: ambient}\ncni: {enabled: true}\n"
        "ztunnel: {enabled: true, placement: {nodeSelector: {a: b}, "
        "tolerations: [], rollout: {maxSurge: 0, maxUnavailable: 1}}}\n")
    values = ztunnel_values(config, control_planes(config)[0])
    assert values["nodeSelector"] == {"a": "b"}
    # An empty list is written: it replaces the chart's tolerate-everything list.
    assert values["tolerations"] == []
    assert values["updateStrategy"] == {"type": "RollingUpdate",
                                        "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}
    assert "priorityClassName" not in values


def test_cni_placement_values() -> None:
    config = config_from(
        "cni: {enabled: true, placement: {tolerations: [{operator: Exists}], "
        "rollout: {maxUnavailable: '20%'}}}\n")
    assert cni_values(config) == {
        "global": {"hub": "docker.io/istio"},
        "tolerations": [{"operator": "Exists"}],
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "20%"}},
    }


def test_no_placement_writes_no_placement_values() -> None:
    config = config_from(
        "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"
        "gateways: [{name: gw, kind: ingress}]\n")
    keys = {"priorityClassName", "nodeSelector", "tolerations", "strategy", "updateStrategy",
            "rollingMaxSurge", "rollingMaxUnavailable"}
    plane = control_planes(config)[0]
    for values in (istiod_values(config, plane), gateway_values(config, config.gateways[0]),
                   cni_values(config), ztunnel_values(config, plane)):
        assert keys & set(values) == set()
    assert "priorityClassName" not in istiod_values(config, plane)["global"]


def test_extra_values_win_over_placement() -> None:
    values = istiod_of(
        "istiod:\n  placement: {priorityClassName: a, nodeSelector: {pool: sys, zone: a}}\n"
        "  extraValues: {global: {priorityClassName: b}, nodeSelector: {pool: other}}\n")
    assert values["global"]["priorityClassName"] == "b"
    # Maps are deep-merged, as Helm merges them: only the key set twice changes.
    assert values["nodeSelector"] == {"pool": "other", "zone": "a"}


def test_placement_and_spread_write_different_keys() -> None:
    values = istiod_of(
        "istiod:\n  spread: {antiAffinity: required}\n"
        "  placement: {nodeSelector: {pool: sys}}\n")
    assert values["nodeSelector"] == {"pool": "sys"}
    assert "podAntiAffinity" in values["affinity"]


# --- production lint rules beyond the seeded examples ---------------------------

PROD = ("environment: production\nca: {mode: plugin}\nmesh: {outboundTrafficPolicy: REGISTRY_ONLY}\n"
        "mtls: {mode: STRICT}\nauthorization: {defaultDeny: true}\n")
RESOURCES = "resources: {requests: {cpu: '1', memory: 2Gi}}"
PLACEMENT_RULES = ("prod-no-priority-class", "prod-tolerates-every-taint",
                   "prod-rollout-all-unavailable", "prod-node-agent-skips-tainted-nodes")


def placement_findings(text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in lint_config(config_from(text)) if f.rule in PLACEMENT_RULES]


def test_a_priority_class_from_extra_values_counts() -> None:
    text = PROD + f"istiod: {{replicas: 2, {RESOURCES}, extraValues: {{global: {{priorityClassName: x}}}}}}\n"
    assert placement_findings(text) == []


def test_gateways_without_a_priority_class_are_found() -> None:
    text = PROD + f"istiod: {{replicas: 2, {RESOURCES}, placement: {{priorityClassName: x}}}}\n" \
        "gateways: [{name: a, kind: egress}, {name: b, kind: egress, extraValues: {priorityClassName: y}}]\n"
    assert placement_findings(text) == [("prod-no-priority-class", "gateways[0].placement.priorityClassName")]


@pytest.mark.parametrize(("replicas", "amount", "found"), [
    (3, "100%", True), (3, "99%", False), (3, 3, True), (3, 2, False), (1, 1, True), (1, "50%", False)])
def test_a_rollout_that_may_stop_every_istiod_is_found(replicas: int, amount: Any, found: bool) -> None:
    text = PROD + (f"istiod: {{replicas: {replicas}, {RESOURCES}, placement: {{priorityClassName: x, "
                   f"rollout: {{maxSurge: 1, maxUnavailable: {amount!r}}}}}}}\n")
    expected = [("prod-rollout-all-unavailable", "istiod.placement.rollout.maxUnavailable")]
    assert placement_findings(text) == (expected if found else [])


def test_a_node_agent_rollout_of_every_node_is_found() -> None:
    text = PROD + f"istiod: {{replicas: 2, {RESOURCES}, placement: {{priorityClassName: x}}}}\n" \
        "istio: {profile: ambient}\ncni: {enabled: true, placement: {rollout: {maxUnavailable: '100%'}}}\n" \
        "ztunnel: {enabled: true, placement: {rollout: {maxSurge: 0, maxUnavailable: '100%'}}}\n"
    assert [f.message for f in lint_config(config_from(text))
            if f.rule == "prod-rollout-all-unavailable"] == [
        "is '100%': a rollout may restart the CNI agent on every node at once, interrupting the "
        "mesh traffic of the whole cluster",
        "is '100%': a rollout may restart ztunnel on every node at once, interrupting the mesh "
        "traffic of the whole cluster",
    ]
    assert placement_findings(text.replace("'100%'", "'10%'")) == []


@pytest.mark.parametrize(("tolerations", "found"), [
    ("[{operator: Exists}]", False),
    ("[{operator: Exists, effect: NoSchedule}, {operator: Exists, effect: NoExecute}]", False),
    ("[{operator: Exists, effect: NoExecute}]", True),
    ("[]", True),
    ("[{key: dedicated, operator: Exists}]", True),
])
def test_ztunnel_kept_off_tainted_nodes_is_found(tolerations: str, found: bool) -> None:
    text = PROD + f"istiod: {{replicas: 2, {RESOURCES}, placement: {{priorityClassName: x}}}}\n" \
        f"istio: {{profile: ambient}}\ncni: {{enabled: true}}\n" \
        f"ztunnel: {{enabled: true, placement: {{tolerations: {tolerations}}}}}\n"
    expected = [("prod-node-agent-skips-tainted-nodes", "ztunnel.placement.tolerations")]
    assert placement_findings(text) == (expected if found else [])


@pytest.mark.parametrize(("toleration", "found"), [
    ("{operator: Exists}", True),
    ("{operator: Exists, effect: NoExecute}", True),
    ("{operator: Exists, effect: PreferNoSchedule}", False),
    ("{key: dedicated, operator: Exists}", False),
])
def test_which_tolerations_tolerate_every_taint(toleration: str, found: bool) -> None:
    text = PROD + (f"istiod: {{replicas: 2, {RESOURCES}, placement: {{priorityClassName: x, "
                   f"tolerations: [{toleration}]}}}}\n")
    expected = [("prod-tolerates-every-taint", "istiod.placement.tolerations[0]")]
    assert placement_findings(text) == (expected if found else [])


def test_placement_rules_stay_silent_outside_production() -> None:
    text = ("istio: {profile: ambient}\ncni: {enabled: true}\nistiod: {replicas: 2, placement: {tolerations: [{operator: Exists}], "
            "rollout: {maxSurge: 0, maxUnavailable: '100%'}}}\n"
            "ztunnel: {enabled: true, placement: {tolerations: []}}\n")
    for environment in ("development", "staging"):
        assert placement_findings(f"environment: {environment}\n{text}") == []
    assert {rule for rule, _ in placement_findings(f"environment: production\n{text}")} == set(PLACEMENT_RULES)


def test_docs_name_every_placement_rule() -> None:
    for page in ("docs/linter.md", "docs/placement.md"):
        text = (REPO / page).read_text()
        assert [r for r in PLACEMENT_RULES if f"`{r}`" not in text] == [], page

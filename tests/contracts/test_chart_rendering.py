"""The placement the config asks for reaches the pods, proved with the real charts.

Helm ignores values a chart does not read, so a value's name being in
values.yaml is not enough: these tests render Istio 1.30.3's own charts
(vendored in third_party/istio/1.30.3) with a real Helm and the values the
synthesized stacks pass (each helm_release's ``values``, merged as Helm merges
them), then read the Deployment's or DaemonSet's pod spec. The expectations
come from the config files' YAML, read here without the code under test.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CONFIG_DIR, FIXTURES, Synth, helm_releases, release_values
from helm_tool import helm_binary
from istio_reference import READ_BY_TEMPLATES, chart_defaults

KUBE_VERSION = "1.33.0"
# The Istio chart whose templates render each release's workload, and that workload.
WORKLOADS = {
    "istiod": ("Deployment", "istiod"),
    "gateway": ("Deployment", None),  # named after the release
    "cni": ("DaemonSet", "istio-cni-node"),
    "ztunnel": ("DaemonSet", "ztunnel"),
}
NOT_READY = {"key": "cni.istio.io/not-ready", "operator": "Exists"}


class Rendered:
    """Renders each release once per session and keeps its workload's pod template."""

    def __init__(self, synth: Synth, reference: Path, workdir: Path) -> None:
        self.synth, self.reference, self.workdir = synth, reference, workdir
        self.cache: dict[tuple[str, str], dict[str, Any]] = {}

    def workload(self, config: str, release_id: str) -> dict[str, Any]:
        key = (config, release_id)
        if key not in self.cache:
            self.cache[key] = self._render(config, release_id)
        return self.cache[key]

    def _render(self, config: str, release_id: str) -> dict[str, Any]:
        release = helm_releases(self.synth.stack(f"{config}-mesh"))[release_id]
        values = self.workdir / f"{config}-{release_id}.json"
        values.write_text(json.dumps(release_values(release)))
        kind, name = WORKLOADS[release["chart"]]
        result = subprocess.run(
            [str(helm_binary()), "template", release["name"], str(self.reference / release["chart"]),
             "--namespace", release["namespace"], "--kube-version", KUBE_VERSION, "-f", str(values)],
            capture_output=True, text=True, timeout=120, check=False,
        )
        assert result.returncode == 0, result.stderr
        docs = [d for d in yaml.safe_load_all(result.stdout) if d]
        found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == (name or release["name"])]
        assert len(found) == 1, [(d["kind"], d["metadata"]["name"]) for d in docs]
        return dict(found[0])


@pytest.fixture(scope="session")
def rendered(synth: Synth, reference: Path, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return Rendered(synth, reference, tmp_path_factory.mktemp("helm-values"))


def placement_in(path: Path, *where: str | int) -> dict[str, Any]:
    """The ``placement`` block a config file gives a component, as written."""
    node: Any = yaml.safe_load(path.read_text())
    for key in where:
        node = node[key]
    return dict(node["placement"])


def gateway_in(path: Path, name: str) -> dict[str, Any]:
    gateways = yaml.safe_load(path.read_text())["gateways"]
    return dict(next(g for g in gateways if g["name"] == name)["placement"])


def as_kubernetes(toleration: dict[str, Any]) -> dict[str, Any]:
    """A config toleration as the API spells it: Equal is the default operator."""
    return {"operator": "Equal", **toleration}


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    return dict(workload["spec"]["template"]["spec"])


# --- prod: istiod and the gateways on the dedicated system node pool ----------

PROD = CONFIG_DIR / "prod.yaml"


def test_prod_istiod_pods_carry_the_priority_class_node_selector_and_tolerations(rendered: Rendered) -> None:
    placement = placement_in(PROD, "istiod")
    workload = rendered.workload("prod", "istiod")
    spec = pod_spec(workload)
    assert spec["priorityClassName"] == placement["priorityClassName"] == "system-cluster-critical"
    assert spec["nodeSelector"] == placement["nodeSelector"] == {"node-pool": "istio-system"}
    # The chart always tolerates the CNI's not-ready taint first.
    assert spec["tolerations"] == [NOT_READY, *map(as_kubernetes, placement["tolerations"])]
    assert {"key": "dedicated", "operator": "Equal", "value": "istio-system",
            "effect": "NoSchedule"} in spec["tolerations"]
    assert workload["spec"]["strategy"] == {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}


@pytest.mark.parametrize("gateway", ["istio-ingressgateway", "istio-egressgateway"])
def test_prod_gateway_pods_carry_the_priority_class_node_selector_and_tolerations(
        rendered: Rendered, gateway: str) -> None:
    placement = gateway_in(PROD, gateway)
    workload = rendered.workload("prod", gateway)
    spec = pod_spec(workload)
    assert spec["priorityClassName"] == placement["priorityClassName"] == "system-cluster-critical"
    assert spec["nodeSelector"] == placement["nodeSelector"] == {"node-pool": "istio-system"}
    assert spec["tolerations"] == [as_kubernetes(t) for t in placement["tolerations"]]
    assert workload["spec"]["strategy"] == {
        "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}


def test_prod_placement_keeps_the_spread_settings(rendered: Rendered) -> None:
    # placement and spread write different keys: both reach the pod.
    spec = pod_spec(rendered.workload("prod", "istiod"))
    assert spec["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert spec["topologySpreadConstraints"][0]["topologyKey"] == "topology.kubernetes.io/zone"


# --- the other shapes: percentages, the CNI agent, ztunnel ---------------------

EVERYTHING = FIXTURES / "full" / "everything.yaml"
AMBIENT = FIXTURES / "full" / "ambient-multicluster.yaml"


def test_a_gateway_placed_off_the_system_pool_gets_its_own_class_and_pool(rendered: Rendered) -> None:
    placement = gateway_in(EVERYTHING, "public-gateway")
    spec = pod_spec(rendered.workload("everything", "public-gateway"))
    assert spec["priorityClassName"] == placement["priorityClassName"] == "mesh-edge"
    assert spec["nodeSelector"] == {"node-pool": "edge"}
    assert spec["tolerations"] == [as_kubernetes(t) for t in placement["tolerations"]]


def test_cni_daemonset_gets_its_tolerations_and_update_strategy(rendered: Rendered) -> None:
    placement = placement_in(EVERYTHING, "cni")
    workload = rendered.workload("everything", "istio-cni")
    spec = pod_spec(workload)
    assert spec["tolerations"] == placement["tolerations"] == [
        {"operator": "Exists", "effect": "NoSchedule"}, {"operator": "Exists", "effect": "NoExecute"}]
    assert workload["spec"]["updateStrategy"] == {
        "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}}
    # Fixed by the chart whatever the values say.
    assert spec["priorityClassName"] == "system-node-critical"
    assert spec["nodeSelector"] == {"kubernetes.io/os": "linux"}


def test_ztunnel_daemonset_gets_its_node_selector_tolerations_and_update_strategy(rendered: Rendered) -> None:
    placement = placement_in(AMBIENT, "ztunnel")
    workload = rendered.workload("ambient-multicluster", "ztunnel")
    spec = pod_spec(workload)
    assert spec["nodeSelector"] == {"kubernetes.io/os": "linux", **placement["nodeSelector"]}
    assert spec["tolerations"] == placement["tolerations"] == [{"operator": "Exists"}]
    assert workload["spec"]["updateStrategy"] == {
        "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    assert spec["priorityClassName"] == "system-node-critical"


# --- no placement (dev's istiod, staging's gateway): the charts' own defaults ---

def test_without_placement_istiod_keeps_the_charts_defaults(rendered: Rendered) -> None:
    workload = rendered.workload("dev", "istiod")
    spec = pod_spec(workload)
    assert "priorityClassName" not in spec and "nodeSelector" not in spec
    assert spec["tolerations"] == [NOT_READY]
    assert workload["spec"]["strategy"] == {"rollingUpdate": {"maxSurge": "100%", "maxUnavailable": "25%"}}


def test_without_placement_a_gateway_keeps_the_charts_defaults(rendered: Rendered) -> None:
    workload = rendered.workload("staging", "istio-ingressgateway")
    spec = pod_spec(workload)
    assert "priorityClassName" not in spec and "nodeSelector" not in spec and "tolerations" not in spec
    assert "strategy" not in workload["spec"]


# --- values the templates read although values.yaml leaves them out -----------

@pytest.mark.parametrize(("chart", "key"), sorted(
    (chart, key) for chart, keys in READ_BY_TEMPLATES.items() for key in keys))
def test_a_value_missing_from_values_yaml_is_read_by_a_template(reference: Path, chart: str, key: str) -> None:
    templates = "".join(p.read_text() for p in sorted((reference / chart / "templates").glob("*")))
    assert f".Values.{key}" in templates
    assert key not in chart_defaults(reference, chart)

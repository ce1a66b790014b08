"""Every object a config produces is held to its API's rules before anything
is written (istio_mesh.admission): the CRD's schema and CEL rules, Kubernetes'
rules for what we set, one owner per object and per Terraform address. A
refusal names the config field and its value; the boundaries the APIs allow
are accepted."""

from __future__ import annotations

import copy
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES, REPO
from istio_mesh.admission import admission_problems
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import parse_config

INGRESS = yaml.safe_load((FIXTURES / "full" / "gateway-api-ingress.yaml").read_text())
"""A gateway-api gateway (listeners http:80 on *.example.com, https:443 on
shop.example.com; routes storefront in shop and status) beside a chart egress
gateway."""

Mutation = Callable[[dict[str, Any]], None]


def _config(mutate: Mutation) -> dict[str, Any]:
    data = copy.deepcopy(INGRESS)
    mutate(data)
    return data


def outcome(data: dict[str, Any]) -> list[str]:
    """The refusal lines for ``data``: the loader's, else the admission's."""
    try:
        config = parse_config(yaml.safe_dump(data), "test.yaml")
    except ConfigError as exc:
        return list(str(exc).splitlines())
    return [f"test.yaml: {p}" for p in admission_problems(config)]


def _gateway(data: dict[str, Any]) -> dict[str, Any]:
    gateway: dict[str, Any] = data["gateways"][0]
    return gateway


def _route(data: dict[str, Any]) -> dict[str, Any]:
    route: dict[str, Any] = _gateway(data)["routes"][0]
    return route


def _listeners(count: int) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        _gateway(data)["listeners"] = [{"name": f"l{i}", "port": 1000 + i} for i in range(count)]
        _gateway(data)["routes"] = []
        data["authorization"]["ingress"] = []
    return mutate


def _route_hosts(count: int) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        for listener in _gateway(data)["listeners"]:
            listener["hostname"] = "*.example.com"
        _route(data)["hostnames"] = [f"h{i}.example.com" for i in range(count)]
    return mutate


def _rules(count: int) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        _route(data)["rules"] = [{"path": f"/p{i}", "service": "storefront", "port": 8080}
                                 for i in range(count)]
    return mutate


def _path(value: str) -> Mutation:
    return lambda data: _route(data)["rules"][0].update(path=value)


def _telemetry(section: dict[str, Any]) -> Mutation:
    return lambda data: data.setdefault("mesh", {}).update(telemetry=section)


def _ambient(data: dict[str, Any]) -> None:
    data["istio"] = {"profile": "ambient"}
    data["cni"] = {"enabled": True}
    data["ztunnel"] = {"enabled": True}


def _rename_gateway(name: str) -> Mutation:
    """The gateway-api gateway renamed, with the rules that name it."""
    def mutate(data: dict[str, Any]) -> None:
        _gateway(data)["name"] = name
        data["authorization"]["ingress"][0]["gateway"] = name
        data["authorization"]["allow"][0]["from"]["gateways"] = [name]
    return mutate


def _ztunnel_rollout(rollout: dict[str, Any]) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        _ambient(data)
        data["ztunnel"]["placement"] = {"rollout": rollout}
    return mutate


def _istiod_rollout(rollout: dict[str, Any]) -> Mutation:
    return lambda data: data.update(istiod={"placement": {"rollout": rollout}})


def _waypoint_namespace(data: dict[str, Any]) -> None:
    _ambient(data)
    data["namespaces"][0].update(dataplane="ambient", waypoint=True)


def _second_gateway_with_the_same_routes(data: dict[str, Any]) -> None:
    twin = copy.deepcopy(_gateway(data))
    twin["name"] = "web2"
    data["gateways"].insert(1, twin)


# -- refused, by the config field and value --------------------------------------


REFUSED = [
    pytest.param(lambda d: _gateway(d)["listeners"][0].update(hostname="10.0.0.1"),
                 ["gateways[0].listeners[0].hostname: got '10.0.0.1'", "not IP addresses"],
                 id="listener-hostname-ip"),
    pytest.param(lambda d: _route(d).update(hostnames=["192.0.2.7"]),
                 ["gateways[0].routes[0].hostnames[0]: got '192.0.2.7'", "not IP addresses"],
                 id="route-hostname-ip"),
    pytest.param(_listeners(65),
                 ["gateways[0].listeners: got 65 items", "Gateway API (standard channel) CRD",
                  "at most 64 items"], id="too-many-listeners"),
    pytest.param(_route_hosts(17),
                 ["gateways[0].routes[0].hostnames: got 17 items", "at most 16 items"],
                 id="too-many-route-hostnames"),
    pytest.param(_rules(17), ["gateways[0].routes[0].rules: got 17 items", "at most 16 items"],
                 id="too-many-rules"),
    pytest.param(_path("/a/../b"), ["gateways[0].routes[0].rules[0].path: got '/a/../b'",
                                    "must not contain '/../'"], id="path-dot-dot"),
    pytest.param(_path("/a//b"), ["rules[0].path: got '/a//b'", "must not contain '//'"],
                 id="path-double-slash"),
    pytest.param(_path("/a/."), ["rules[0].path: got '/a/.'", "must not end with '/.'"],
                 id="path-trailing-dot"),
    pytest.param(_path("/a%2Fb"), ["rules[0].path: got '/a%2Fb'", "%2F"], id="path-encoded-slash"),
    pytest.param(_path("/a%zz"), ["rules[0].path: got '/a%zz'", "must only contain valid characters"],
                 id="path-bad-escape"),
    pytest.param(lambda d: _gateway(d)["listeners"][1].update(port=80),
                 ["gateways[0].listeners[1].protocol: got HTTPS on port 80", "one protocol per port"],
                 id="two-protocols-one-port"),
    pytest.param(lambda d: _gateway(d)["listeners"][0].update(port=15021),
                 ["gateways[0].listeners[0].port: got 15021", "status-port"], id="status-port"),
    pytest.param(lambda d: _gateway(d)["listeners"][0].update(port=15090),
                 ["gateways[0].listeners[0].port: got 15090", "Prometheus"], id="envoy-metrics-port"),
    pytest.param(lambda d: _gateway(d)["listeners"][0].update(port=15000),
                 ["gateways[0].listeners[0].port: got 15000", "admin"], id="envoy-admin-port"),
    pytest.param(_telemetry({"accessLogging": {"filter": "response.code >="}}),
                 ["mesh.telemetry.accessLogging.filter: got 'response.code >='",
                  "not a CEL expression"], id="access-log-filter"),
    pytest.param(_telemetry({"namespaces": {"shop": {"accessLogging": {"filter": "a b"}}}}),
                 ["mesh.telemetry.namespaces.shop.accessLogging.filter: got 'a b'",
                  "not a CEL expression"], id="access-log-filter-override"),
    pytest.param(_telemetry({"prometheusOperator": {"enabled": True, "interval": "30s1m"}}),
                 ["mesh.telemetry.prometheusOperator.interval: got '30s1m'", "from the largest down"],
                 id="scrape-interval-units-out-of-order"),
    pytest.param(_ztunnel_rollout({"maxSurge": 1, "maxUnavailable": 1}),
                 ["ztunnel.placement.rollout.maxSurge: got 1 with maxUnavailable 1",
                  "one of them must be 0"], id="daemonset-surge-and-unavailable"),
    pytest.param(_ztunnel_rollout({"maxSurge": 0, "maxUnavailable": "0%"}),
                 ["ztunnel.placement.rollout.maxUnavailable: is 0 and so is maxSurge"],
                 id="daemonset-neither"),
    pytest.param(_ztunnel_rollout({"maxSurge": "150%", "maxUnavailable": 0}),
                 ["ztunnel.placement.rollout.maxSurge: got '150%'", "at most '100%'"],
                 id="daemonset-surge-over-100-percent"),
    pytest.param(_istiod_rollout({"maxSurge": 1, "maxUnavailable": "101%"}),
                 ["istiod.placement.rollout.maxUnavailable: got '101%'", "at most '100%'"],
                 id="deployment-unavailable-over-100-percent"),
    pytest.param(_istiod_rollout({"maxSurge": "5.5%", "maxUnavailable": 0}),
                 ["istiod.placement.rollout.maxSurge", "percentage"], id="rollout-not-a-percentage"),
    pytest.param(lambda d: d["gateways"][1].setdefault("service", {}).update(
        ports=[{"name": "a", "port": 53}, {"name": "b", "port": 53}]),
        ["gateways[1].service.ports", "duplicate port: 53/TCP"], id="service-port-twice"),
    pytest.param(_rename_gateway("g" * 60),
                 ["gateways[0].name: got '" + "g" * 60, f"'{'g' * 60}-istio'", "DNS-1035"],
                 id="gateway-service-name-too-long"),
    pytest.param(lambda d: d["gateways"][1].update(name="1egress"),
                 ["gateways[1].name: got '1egress'", "DNS-1035"], id="chart-service-name-digit-first"),
]


@pytest.mark.parametrize(("mutate", "expected"), REFUSED)
def test_refused_by_the_config_field_and_value(mutate: Mutation, expected: list[str]) -> None:
    lines = outcome(_config(mutate))
    assert lines, "accepted"
    assert any(all(part in line for part in expected) for line in lines), lines
    assert all(line.startswith("test.yaml: ") for line in lines)


# -- one owner per object and per address -------------------------------------------


OWNERS = [
    pytest.param(_second_gateway_with_the_same_routes,
                 ["gateways[0].routes[0]: produces HTTPRoute shop/storefront", "as gateways[1].routes[0] does"],
                 id="two-routes-one-object-and-address"),
    pytest.param(lambda d: d["gateways"].append({"name": "web-istio", "kind": "ingress",
                                                 "namespace": "istio-ingress"}),
                 ["gateways[0]: produces Deployment istio-ingress/web-istio", "as gateways[2] does",
                  "<gateway>-istio"], id="chart-gateway-named-like-a-gateway-api-workload"),
    pytest.param(lambda d: (_waypoint_namespace(d), _rename_gateway("waypoint")(d),
                            _gateway(d).update(namespace="shop"), _route(d).pop("namespace")),
                 ["Gateway shop/waypoint", "namespaces[0].waypoint"], id="gateway-named-like-the-waypoint"),
    pytest.param(lambda d: (_waypoint_namespace(d),
                            d["gateways"].append({"name": "waypoint", "kind": "ingress", "namespace": "shop"})),
                 ["Deployment shop/waypoint", "namespaces[0].waypoint", "gateways[2]"],
                 id="chart-gateway-named-like-the-waypoint"),
    pytest.param(_telemetry({"accessLogging": {"disabled": False},
                             "namespaces": {"istio-system": {"accessLogging": {"disabled": True}}}}),
                 ["mesh.telemetry.namespaces.istio-system: is a second Telemetry without a workload "
                  "selector in namespace 'istio-system', beside mesh.telemetry"],
                 id="two-telemetries-in-the-root-namespace"),
    pytest.param(lambda d: (_telemetry({"namespaces": {"shop": {"accessLogging": {"disabled": True}}}})(d),
                            d.update(extraResources=[{
                                "apiVersion": "telemetry.istio.io/v1", "kind": "Telemetry",
                                "metadata": {"name": "logs", "namespace": "shop"},
                                "spec": {"accessLogging": [{"disabled": False}]}}])),
                 ["second Telemetry without a workload selector in namespace 'shop'",
                  "mesh.telemetry.namespaces.shop", "extraResources[0]"],
                 id="extra-telemetry-beside-an-override"),
]


@pytest.mark.parametrize(("mutate", "expected"), OWNERS)
def test_two_owners_of_one_object_are_refused_with_both_fields(mutate: Mutation, expected: list[str]) -> None:
    lines = outcome(_config(mutate))
    assert any(all(part in line for part in expected) for line in lines), lines


# -- the boundaries the APIs allow are accepted ---------------------------------------


def _experimental_retry(retry: dict[str, Any]) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["gatewayApi"]["channel"] = "experimental"
        _route(data)["rules"][0]["retry"] = retry
    return mutate


ACCEPTED = [
    pytest.param(_experimental_retry({"attempts": 2, "codes": [400, 404, 429, 599]}), id="retry-4xx-codes"),
    pytest.param(_experimental_retry({"attempts": 0}), id="retry-zero-attempts"),
    pytest.param(_istiod_rollout({"maxSurge": "200%", "maxUnavailable": 0}), id="deployment-surge-200-percent"),
    pytest.param(_istiod_rollout({"maxSurge": 0, "maxUnavailable": "100%"}), id="deployment-unavailable-100-percent"),
    pytest.param(_ztunnel_rollout({"maxSurge": 0, "maxUnavailable": "100%"}), id="daemonset-unavailable-only"),
    pytest.param(_ztunnel_rollout({"maxSurge": "100%", "maxUnavailable": 0}), id="daemonset-surge-only"),
    pytest.param(lambda d: d["gateways"][1].setdefault("service", {}).update(ports=[
        {"name": "dns-tcp", "port": 53}, {"name": "dns-udp", "port": 53, "protocol": "UDP"}]),
        id="service-port-per-protocol"),
    pytest.param(_listeners(64), id="64-listeners"),
    pytest.param(_route_hosts(16), id="16-route-hostnames"),
    pytest.param(_rules(16), id="16-rules"),
    pytest.param(lambda d: _gateway(d)["listeners"][0].update(port=15022), id="listener-above-istio-ports"),
    pytest.param(lambda d: _gateway(d)["listeners"][0].update(port=65535), id="listener-port-65535"),
    pytest.param(lambda d: _gateway(d)["listeners"].append(
        {"name": "other", "port": 80, "hostname": "other.example.org"}), id="two-listeners-one-port-one-protocol"),
    pytest.param(_path("/a/..b/c%2e~"), id="path-dots-inside-a-segment"),
    pytest.param(_telemetry({"accessLogging": {
        "filter": "response.code >= 400 && request.headers['x-debug'] == 'on'"}}), id="access-log-filter"),
    pytest.param(_rename_gateway("g" * 57), id="gateway-service-name-63"),
    pytest.param(_telemetry({"prometheusOperator": {"enabled": True, "interval": "1h30m15s500ms"}}),
                 id="scrape-interval-every-unit"),
]


@pytest.mark.parametrize("mutate", ACCEPTED)
def test_a_boundary_the_api_allows_is_accepted(mutate: Mutation) -> None:
    assert outcome(_config(mutate)) == []


def test_the_shipped_configs_and_fixtures_are_admitted(all_configs: dict[str, Any]) -> None:
    full = {p.stem: parse_config(p.read_text(), p) for p in (FIXTURES / "full").glob("*.yaml")}
    assert {name: admission_problems(c) for name, c in {**all_configs, **full}.items()
            if admission_problems(c)} == {}


def test_an_istio_cel_rule_is_applied_to_extra_resources() -> None:
    # A rule of Istio's CRD (ServiceEntry: workloadSelector and endpoints
    # exclude each other), refused by the extraResources entry.
    data = _config(lambda d: d.update(extraResources=[{
        "apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry",
        "metadata": {"name": "db", "namespace": "shop"},
        "spec": {"hosts": ["db.example.com"], "ports": [{"number": 5432, "name": "tcp", "protocol": "TCP"}],
                 "workloadSelector": {"labels": {"app": "db"}}, "endpoints": [{"address": "10.0.0.1"}]}}]))
    lines = outcome(data)
    assert any(line.startswith("test.yaml: extraResources[0]") and "WorkloadSelector or Endpoints" in line
               for line in lines), lines


# -- the commands: exit 2, one line per problem, nothing written -------------------------


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def refused_project(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "edge.yaml").write_text(yaml.safe_dump(_config(_second_gateway_with_the_same_routes)))
    previous = tmp_path / "cdktf.out" / "stacks" / "edge-mesh"
    previous.mkdir(parents=True)
    (previous / "cdk.tf.json").write_text('{"previous": "synthesis"}')
    (tmp_path / "build" / "argocd").mkdir(parents=True)
    (tmp_path / "build" / "argocd" / "README.md").write_text("an earlier export\n")
    return tmp_path


def _run(project: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MESH_CONFIG"}
    env["PATH"] = f"{REPO / 'node_modules' / '.bin'}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([sys.executable, *argv], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.mark.parametrize("argv", [
    pytest.param((str(REPO / "main.py"),), id="synth"),
    pytest.param(("-m", "istio_mesh", "export", "argocd"), id="export"),
    pytest.param(("-m", "istio_mesh", "check"), id="check"),
])
def test_a_refused_config_exits_2_naming_both_fields_and_writes_nothing(
    refused_project: Path, argv: tuple[str, ...]
) -> None:
    before = _digest(refused_project)
    result = _run(refused_project, *argv)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert ("config/edge.yaml: gateways[0].routes[0]: produces HTTPRoute shop/storefront "
            "(gateway.networking.k8s.io), as gateways[1].routes[0] does") in result.stderr
    assert _digest(refused_project) == before


def test_an_exported_application_is_held_to_argo_cds_crd() -> None:
    from istio_mesh.admission import export_problems
    from istio_mesh.admission.objects import refusals
    from istio_mesh.admission.origins import Origin
    from istio_mesh.export import argocd_export
    from istio_mesh.plan import cluster_plan

    config = parse_config((FIXTURES / "full" / "gateway-api-ingress.yaml").read_text(), "test.yaml")
    export = argocd_export("edge", config, cluster_plan(config))
    assert export_problems(export) == []
    application = copy.deepcopy(dict(next(iter(export.applications.values()))))
    application["spec"]["syncPolicy"] = {"automated": "yes"}
    application["spec"]["sourse"] = {}
    lines = list(refusals(application, Origin(("gitops",)), istio_version="1.30.3", channel="standard"))
    assert any(line.startswith("gitops: got 'yes'; the Application it produces at "
                               "spec.syncPolicy.automated breaks the Argo CD CRD: "
                               "must be of type object") for line in lines), lines
    assert any("unknown field 'sourse' (the API server would drop it silently)" in line
               for line in lines), lines

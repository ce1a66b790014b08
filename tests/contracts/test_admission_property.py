"""Property: every Gateway API and Telemetry object a config produces passes
its CRD's schema and CEL rules, or the config was refused at synth time with
a clean config error.

Hypothesis writes gateway-api sections (listeners, routes, rules, retries,
hostnames, paths, channels) and telemetry sections (access-log filters,
sampling, namespace overrides) from values on both sides of each rule. The
objects of an accepted config are checked with the tests' own readers of the
vendored CRDs (tests/gateway_api_reference.py, tests/istio_reference.py), not
with the product's data files. Plan level only (no jsii): bounded examples,
a few seconds.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cel_rules import cel_violations
from conftest import VENDORED_ISTIO
from gateway_api_reference import gateway_api_problems
from istio_mesh.admission import admission_problems
from istio_mesh.apirules.cel import syntax_problem
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import parse_config
from istio_mesh.plan import cluster_plan
from istio_reference import crd_problems

VALID_HOSTS = ["shop.example.com", "api.example.com", "a.b.example.org"]
BAD_HOSTS = ["10.0.0.1", "Shop.example.com", "x" * 64 + ".example.com", "*", "example..com"]
VALID_PATHS = ["/", "/api", "/a/..b", "/~user/(x)", "/v1/items;q=1", "/a%20b"]
BAD_PATHS = ["/a/../b", "/a//b", "/a/./b", "/a/.", "/a%2Fb", "/a%2fb", "/a#b", "/a%zz", "api",
             "/" + "p" * 1030]
BAD_PORTS = [15021, 15090, 15000, 0, 65536]
VALID_FILTERS = ["response.code >= 400", "request.headers['x'] == 'y'", "!(response.code < 500)",
                 "connection.mtls && response.code == 200"]
BAD_FILTERS = ["response.code >=", "a b", "x.(", "'unterminated"]


def _pick(draw: st.DrawFn, good: list[Any], bad: list[Any]) -> Any:
    """Mostly a value the API allows, now and then one it refuses: a section
    draws a dozen or more values, and most examples should reach the CRDs."""
    return draw(st.sampled_from(bad if draw(st.integers(0, 23)) == 0 else good))


def _listener(draw: st.DrawFn, i: int) -> dict[str, Any]:
    protocol = draw(st.sampled_from(["HTTP", "HTTP", "HTTPS"]))
    out: dict[str, Any] = {"name": _pick(draw, [f"l{i}"], ["l0"]),
                           "port": _pick(draw, [8000 + i, 80 + i], BAD_PORTS), "protocol": protocol}
    if draw(st.integers(0, 3)) == 0:
        out["hostname"] = _pick(draw, ["*.example.com", "*.example.org"], BAD_HOSTS)
    if protocol == "HTTPS" or draw(st.integers(0, 15)) == 0:
        out["certificateSecret"] = "tls-cert"
    return out


def _rule(draw: st.DrawFn, channel: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"path": _pick(draw, VALID_PATHS, BAD_PATHS), "service": "backend",
                            "port": draw(st.sampled_from([80, 8080, 65535]))}
    if draw(st.integers(0, 3 if channel == "experimental" else 15)) == 0:
        rule["retry"] = {"attempts": draw(st.sampled_from([0, 1, 3, 50])),
                         "codes": draw(st.lists(_codes(draw), max_size=3))}
    return rule


def _codes(draw: st.DrawFn) -> st.SearchStrategy[int]:
    return st.sampled_from([399, 600]) if draw(st.integers(0, 7)) == 0 else st.sampled_from([400, 404, 503, 599])


@st.composite
def gateway_api_section(draw: st.DrawFn) -> dict[str, Any]:
    """A gateway-api gateway (or two), its listeners and routes."""
    channel = draw(st.sampled_from(["standard", "experimental"]))
    gateways = []
    for g in range(draw(st.integers(1, 2))):
        count = _pick(draw, [1, 2, 3], [65])
        listeners = [_listener(draw, i) for i in range(count)]
        routes = []
        for r in range(draw(st.integers(0, 2))):
            route: dict[str, Any] = {
                "name": _pick(draw, [f"r{g}{r}"], ["r00"]),
                "rules": [_rule(draw, channel) for _ in range(_pick(draw, [1, 2, 3], [17]))],
            }
            if draw(st.booleans()):
                route["namespace"] = "shop"
            if draw(st.integers(0, 2)) == 0:
                many = [f"h{i}.example.com" for i in range(_pick(draw, [16], [17]))]
                route["hostnames"] = _pick(draw, [[h] for h in VALID_HOSTS] + [many], [[h] for h in BAD_HOSTS])
            if draw(st.integers(0, 3)) == 0:
                route["listener"] = _pick(draw, ["l0"], ["missing"])
            routes.append(route)
        gateways.append({"name": _pick(draw, [f"gw{g}"], ["gw0"]), "kind": "ingress",
                         "api": "gateway-api", "listeners": listeners, "routes": routes})
    return {"gatewayApi": {"channel": channel}, "gateways": gateways}


def _policy(draw: st.DrawFn) -> dict[str, Any]:
    policy: dict[str, Any] = {}
    if draw(st.booleans()):
        logging: dict[str, Any] = {"providers": ["envoy"]}
        if draw(st.booleans()):
            logging["filter"] = _pick(draw, VALID_FILTERS, BAD_FILTERS)
        if draw(st.booleans()):
            logging["disabled"] = draw(st.booleans())
        policy["accessLogging"] = logging
    if draw(st.booleans()):
        policy["tracing"] = {"randomSamplingPercentage": _pick(draw, [0.0, 1.5, 100.0], [101.0, -1.0])}
    return policy or {"accessLogging": {"disabled": True}}


def _namespaces(draw: st.DrawFn) -> st.SearchStrategy[str]:
    return st.sampled_from(["istio-system"] if draw(st.integers(0, 7)) == 0 else ["shop", "web"])


@st.composite
def telemetry_section(draw: st.DrawFn) -> dict[str, Any]:
    """The mesh-wide Telemetry and namespace overrides."""
    telemetry = _policy(draw)
    telemetry.pop("tracing", None)  # mesh-wide tracing needs a provider
    overrides = draw(st.lists(_namespaces(draw), max_size=2, unique=True))
    if overrides:
        telemetry["namespaces"] = {ns: _policy(draw) for ns in overrides}
    return {"mesh": {"telemetry": telemetry}}


@pytest.fixture(autouse=True, scope="module")
def _cel_parser_built() -> None:
    """cel-python raises the recursion limit when it builds its parser;
    built before hypothesis runs, which warns when the limit changes under it."""
    assert syntax_problem("true") is None


def _refused_cleanly(lines: list[str]) -> None:
    assert lines
    for line in lines:
        assert line.startswith("test.yaml: "), line
        assert "\n" not in line and "Traceback" not in line


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gateway_api_section(), telemetry_section())
def test_every_object_passes_its_crd_or_the_config_is_refused(
    gateway_api: dict[str, Any], telemetry: dict[str, Any]
) -> None:
    text = yaml.safe_dump({**gateway_api, **telemetry, "namespaces": [{"name": "shop", "create": True}]})
    try:
        config = parse_config(text, "test.yaml")
    except ConfigError as exc:
        _refused_cleanly(str(exc).splitlines())
        return
    problems = admission_problems(config)
    if problems:
        _refused_cleanly([f"test.yaml: {p}" for p in problems])
        return
    channel = config.gateway_api.channel
    for item in cluster_plan(config).policies.manifests:
        manifest = dict(item.manifest)
        group = manifest["apiVersion"].rpartition("/")[0]
        if group == "gateway.networking.k8s.io":
            assert gateway_api_problems(manifest, channel) == [], manifest
        elif group == "telemetry.istio.io":
            assert crd_problems(VENDORED_ISTIO, manifest) == [], manifest
            assert cel_violations(VENDORED_ISTIO, manifest) == [], manifest

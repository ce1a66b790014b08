"""Gateway API: the CRDs in the mesh stack before anything uses them, and
ingress through a Gateway of class istio with HTTPRoutes in the policies
stack; every object checked against the real Gateway API CRDs (vendored),
and the exact text of every refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, REPO, Synth, config_from, error_for as shared_error_for
from gateway_api_reference import gateway_api_problems
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import load_config, parse_config
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan import cluster_plan, mesh_plan, policies_plan

FIXTURE = FIXTURES / "full" / "gateway-api-ingress.yaml"
GATEWAY_API_GROUP = "gateway.networking.k8s.io"
GW = "gateways:\n  - name: web\n    kind: ingress\n    api: gateway-api\n"
LISTENER = "    listeners: [{name: a, port: 80}]\n"


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


# -- refusals, exact text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            GW + "    listeners: [{name: https, port: 443, protocol: HTTPS}]\n",
            "test.yaml: gateways[0].listeners[0].certificateSecret: protocol HTTPS terminates TLS "
            "and needs a certificate; set certificateSecret to a kubernetes.io/tls Secret in the "
            "gateway's namespace",
            id="https-without-certificate",
        ),
        pytest.param(
            GW + "    listeners: [{name: http, port: 80, certificateSecret: tls}]\n",
            "test.yaml: gateways[0].listeners[0].certificateSecret: protocol HTTP serves no TLS; "
            "use protocol HTTPS or remove certificateSecret",
            id="http-with-certificate",
        ),
        pytest.param(
            GW,
            "test.yaml: gateways[0].listeners: a gateway-api gateway needs at least one listener "
            "(name, port, protocol)",
            id="no-listener",
        ),
        pytest.param(
            "gateways: [{name: out, kind: egress, api: gateway-api, listeners: [{name: a, port: 80}]}]\n",
            "test.yaml: gateways[0].api: gateway-api serves ingress gateways; 'egress' gateways use "
            "api: chart",
            id="egress-gateway-api",
        ),
        pytest.param(
            GW + "    replicas: 2\n" + LISTENER,
            "test.yaml: gateways[0].replicas: is a setting of the gateway chart; a gateway-api "
            "gateway is deployed by Istio from its Gateway, so remove it or use api: chart",
            id="chart-setting-on-gateway-api",
        ),
        pytest.param(
            GW + "    placement: {priorityClassName: system-cluster-critical}\n" + LISTENER,
            "test.yaml: gateways[0].placement: is a setting of the gateway chart; a gateway-api "
            "gateway is deployed by Istio from its Gateway, so remove it or use api: chart",
            id="placement-on-gateway-api",
        ),
        pytest.param(
            GW + "    extraValues: {a: 1}\n" + LISTENER,
            "test.yaml: gateways[0].extraValues: is a setting of the gateway chart; a gateway-api "
            "gateway is deployed by Istio from its Gateway, so remove it or use api: chart",
            id="extra-values-on-gateway-api",
        ),
        pytest.param(
            "gateways: [{name: web, kind: ingress, listeners: [{name: a, port: 80}]}]\n",
            "test.yaml: gateways[0].listeners: belongs to api: gateway-api; a chart gateway's "
            "ports are service.ports",
            id="listeners-on-chart-gateway",
        ),
        pytest.param(
            GW + "    listeners: [{name: a, port: 80}, {name: a, port: 81}]\n",
            "test.yaml: gateways[0].listeners[1].name: 'a' is used more than once; names must be unique",
            id="listener-name-twice",
        ),
        pytest.param(
            GW + "    listeners: [{name: a, port: 80}, {name: b, port: 80}]\n",
            "test.yaml: gateways[0].listeners[1]: port 80 with hostname (any) is listener 'a' "
            "already; give one of them another port or hostname",
            id="listener-port-and-host-twice",
        ),
        pytest.param(
            GW + "    listeners: [{name: a, port: 80, hostname: shop.example.com}]\n"
            "    routes: [{name: r, hostnames: [blog.example.com], rules: [{service: s, port: 80}]}]\n",
            "test.yaml: gateways[0].routes[0].hostnames[0]: 'blog.example.com' is not served by any "
            "listener it attaches to (hostnames: shop.example.com); add a listener for it or fix "
            "the hostname",
            id="route-host-on-no-listener",
        ),
        pytest.param(
            GW + "    listeners: [{name: a, port: 80, hostname: '*.example.com'}]\n"
            "    routes: [{name: r, hostnames: [example.com], rules: [{service: s, port: 80}]}]\n",
            "test.yaml: gateways[0].routes[0].hostnames[0]: 'example.com' is not served by any "
            "listener it attaches to (hostnames: *.example.com); add a listener for it or fix the "
            "hostname",
            id="wildcard-listener-does-not-serve-its-apex",
        ),
        pytest.param(
            GW + "    listeners: [{name: a, port: 80, hostname: a.example.com}, "
            "{name: b, port: 80, hostname: b.example.com}]\n"
            "    routes: [{name: r, listener: a, hostnames: [b.example.com], rules: [{service: s, port: 80}]}]\n",
            "test.yaml: gateways[0].routes[0].hostnames[0]: 'b.example.com' is not served by any "
            "listener it attaches to (hostnames: a.example.com); add a listener for it or fix the "
            "hostname",
            id="route-host-on-another-listener-than-its-own",
        ),
        pytest.param(
            GW + LISTENER + "    routes: [{name: r, listener: b, rules: [{service: s, port: 80}]}]\n",
            "test.yaml: gateways[0].routes[0].listener: 'b' is not a listener of 'web'; listeners: a",
            id="route-to-unknown-listener",
        ),
        pytest.param(
            GW + LISTENER + "    routes: [{name: r, rules: []}]\n",
            "test.yaml: gateways[0].routes[0].rules: got []; a route needs at least one rule "
            "(path, service, port)",
            id="route-without-rules",
        ),
        pytest.param(
            GW + LISTENER + "    routes: [{name: r, rules: [{path: api, service: s, port: 80}]}]\n",
            "test.yaml: gateways[0].routes[0].rules[0].path: got 'api'; must be a path starting "
            "with '/' of letters, digits and -._~%!$&'()*+,;=:@/ (at most 1024 characters), e.g. '/api'",
            id="path-without-slash",
        ),
        pytest.param(
            GW + LISTENER + "    routes: [{name: r, rules: [{service: s, port: 80}]}, "
            "{name: r, rules: [{service: s, port: 80}]}]\n",
            "test.yaml: gateways[0].routes[1].name: 'istio-ingress/r' is used more than once; "
            "names must be unique",
            id="route-twice",
        ),
        pytest.param(
            GW + LISTENER + "    routes: [{name: r, rules: [{service: s, port: 80, retry: {attempts: 2}}]}]\n",
            "test.yaml: gateways[0].routes[0].rules[0].retry: HTTPRoute retry is an "
            "experimental-channel field of Gateway API v1.5.1; set gatewayApi.channel: "
            "experimental or remove it",
            id="experimental-field-on-standard-channel",
        ),
        pytest.param(
            "gatewayApi: {channel: experimental}\n" + GW + LISTENER
            + "    routes: [{name: r, rules: [{service: s, port: 80, retry: {attempts: 2, codes: [399]}}]}]\n",
            "test.yaml: gateways[0].routes[0].rules[0].retry.codes[0]: got 399; the HTTPRoute CRD "
            "retries codes 400 to 599",
            id="retry-code-below-400",
        ),
        pytest.param(
            "gatewayApi: {crds: maybe}\n",
            "test.yaml: gatewayApi.crds: got 'maybe' (string); must be 'auto', 'install' or 'skip'",
            id="crds-mode",
        ),
        pytest.param(
            "gatewayApi: {channel: beta}\n",
            "test.yaml: gatewayApi.channel: got 'beta' (string); must be 'standard' or 'experimental'",
            id="channel",
        ),
    ],
)
def test_refused_with_exact_message(text: str, message: str) -> None:
    assert error_for(text) == message


def test_route_hosts_below_a_wildcard_listener_or_on_a_hostless_one_are_accepted() -> None:
    config = config_from(
        GW + "    listeners: [{name: a, port: 80, hostname: '*.example.com'}, {name: b, port: 8080}]\n"
        "    routes:\n"
        "      - {name: r, listener: a, hostnames: [shop.example.com, a.b.example.com], rules: [{service: s, port: 80}]}\n"
        "      - {name: q, listener: b, hostnames: [anything.test], rules: [{service: s, port: 80}]}\n"
    )
    assert [r.name for r in config.gateways[0].routes] == ["r", "q"]


# -- which configs install the CRDs, and where ----------------------------------


def _crds_release_names(config: MeshConfig) -> list[str]:
    return [r.name for r in mesh_plan(config).releases if r.component == "gateway-api-crds"]


@pytest.mark.parametrize(
    ("text", "installed"),
    [
        pytest.param("gatewayApi: {crds: auto}\n", False, id="nothing-uses-them"),
        pytest.param("gatewayApi: {crds: install}\n", True, id="install-always"),
        pytest.param(GW + LISTENER, True, id="gateway-api-ingress"),
        pytest.param(GW + LISTENER + "gatewayApi: {crds: skip}\n", False, id="skip"),
        pytest.param(
            "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"
            "namespaces: [{name: shop, create: true, dataplane: ambient, waypoint: true}]\n",
            True, id="waypoint",
        ),
    ],
)
def test_the_crds_are_installed_where_something_uses_them(text: str, installed: bool) -> None:
    assert _crds_release_names(config_from(text)) == (["gateway-api-crds"] if installed else [])


@pytest.mark.parametrize("path", [REPO / "config" / "ambient.yaml", FIXTURE], ids=lambda p: p.stem)
def test_crds_come_after_base_and_before_every_istiod(path: Path) -> None:
    plan = mesh_plan(load_config(path))
    crds = plan.gateway_api_crds
    assert crds is not None
    assert (crds.address, crds.after) == ("helm_release.gateway-api-crds", ("helm_release.istio-base",))
    assert crds.values == {"channel": "standard"}
    assert (crds.chart, crds.repository, crds.version, crds.packaged) == ("gateway-api-crds", "", "1.5.1", True)
    assert all(crds.address in istiod.after for istiod in plan.istiods.values())
    order = [item.address for item in plan.items]
    assert order.index("helm_release.istio-base") < order.index(crds.address) < order.index("helm_release.istiod")


def test_the_channel_reaches_the_chart() -> None:
    config = config_from("gatewayApi: {crds: install, channel: experimental}\n")
    crds = mesh_plan(config).gateway_api_crds
    assert crds is not None and crds.values == {"channel": "experimental"}


# -- the policies stack: Gateway, HTTPRoutes, namespace ---------------------------


def _fixture_manifests() -> dict[str, dict[str, Any]]:
    return {item.address: dict(item.manifest) for item in policies_plan(load_config(FIXTURE)).gateway_api}


def test_a_gateway_api_ingress_is_a_gateway_and_routes_not_a_release() -> None:
    config = load_config(FIXTURE)
    plan = cluster_plan(config)
    assert [r.name for r in plan.mesh.gateways] == ["istio-egressgateway"]
    assert [(i.address, i.after) for i in plan.policies.gateway_api] == [
        ("kubernetes_manifest.gateway_istio-ingress_web", ("kubernetes_namespace_v1.istio-ingress",)),
        ("kubernetes_manifest.http_route_shop_storefront",
         ("kubernetes_manifest.gateway_istio-ingress_web", "kubernetes_namespace_v1.shop")),
        ("kubernetes_manifest.http_route_istio-ingress_status",
         ("kubernetes_manifest.gateway_istio-ingress_web", "kubernetes_namespace_v1.istio-ingress")),
    ]
    # Nothing else creates the gateway's namespace: this stack does, without labels.
    namespaces = {n.name: n for n in plan.policies.namespaces}
    assert (namespaces["istio-ingress"].create, dict(namespaces["istio-ingress"].labels)) == (True, {})


def test_the_gateway_is_class_istio_with_its_listeners() -> None:
    gateway = _fixture_manifests()["kubernetes_manifest.gateway_istio-ingress_web"]
    assert gateway == {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "web", "namespace": "istio-ingress"},
        "spec": {
            "gatewayClassName": "istio",
            "listeners": [
                {"name": "http", "port": 80, "protocol": "HTTP", "hostname": "*.example.com",
                 "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchExpressions": [
                     {"key": "kubernetes.io/metadata.name", "operator": "In",
                      "values": ["istio-ingress", "shop"]}]}}}},
                {"name": "https", "port": 443, "protocol": "HTTPS", "hostname": "shop.example.com",
                 "tls": {"mode": "Terminate",
                         "certificateRefs": [{"kind": "Secret", "name": "shop-example-com-tls"}]},
                 "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchExpressions": [
                     {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["shop"]}]}}}},
            ],
        },
    }


def test_routes_send_path_prefixes_to_service_ports() -> None:
    manifests = _fixture_manifests()
    assert manifests["kubernetes_manifest.http_route_shop_storefront"]["spec"] == {
        "parentRefs": [{"name": "web", "namespace": "istio-ingress"}],
        "hostnames": ["shop.example.com"],
        "rules": [
            {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
             "backendRefs": [{"name": "storefront", "port": 8080}]},
            {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
             "backendRefs": [{"name": "storefront-api", "port": 8081}]},
        ],
    }
    assert manifests["kubernetes_manifest.http_route_istio-ingress_status"]["spec"]["parentRefs"] == [
        {"name": "web", "namespace": "istio-ingress", "sectionName": "http"}
    ]


def test_routes_in_the_gateways_namespace_only_are_admitted_as_same() -> None:
    config = config_from(GW + LISTENER + "    routes: [{name: r, rules: [{service: s, port: 80}]}]\n")
    (gateway, _route) = [i.manifest for i in policies_plan(config).gateway_api]
    assert gateway["spec"]["listeners"][0]["allowedRoutes"] == {"namespaces": {"from": "Same"}}


def test_a_revisioned_gateway_is_labelled_for_its_istiod() -> None:
    config = config_from(
        "revisions: [{name: 1-30-3, version: 1.30.3}]\ndefaultRevision: 1-30-3\n"
        + GW + "    revision: 1-30-3\n" + LISTENER
    )
    (gateway,) = [i.manifest for i in policies_plan(config).gateway_api]
    assert gateway["metadata"]["labels"] == {"istio.io/rev": "1-30-3"}


def test_a_namespace_a_chart_gateway_or_the_config_creates_is_not_created_again() -> None:
    beside_chart = config_from(
        "gateways:\n  - {name: old, kind: ingress}\n"
        "  - {name: web, kind: ingress, api: gateway-api, listeners: [{name: a, port: 80}]}\n"
    )
    assert [n.name for n in policies_plan(beside_chart).namespaces] == []
    onboarded = config_from("namespaces: [{name: edge, create: true}]\n" + GW + "    namespace: edge\n" + LISTENER)
    assert [n.name for n in policies_plan(onboarded).namespaces] == ["edge"]


def test_outputs_name_the_service_istio_deploys() -> None:
    from istio_mesh.plan import mesh_outputs

    outputs = {o.name: o.value for o in mesh_outputs(load_config(FIXTURE))}
    assert outputs["ingress_gateways"] == {"web": {"service": "web-istio", "namespace": "istio-ingress"}}


# -- authorization for a gateway Istio deploys ------------------------------------


def test_the_ingress_allow_rule_selects_the_gateway_pods_on_the_listener_ports() -> None:
    policies = {i.address: i.manifest for i in policies_plan(load_config(FIXTURE)).authorization}
    ingress = policies["kubernetes_manifest.authorization_policy_istio-ingress_allow-web"]
    assert ingress["spec"] == {
        "selector": {"matchLabels": {"gateway.networking.k8s.io/gateway-name": "web"}},
        "action": "ALLOW",
        "rules": [{"to": [{"operation": {"ports": ["80", "443"],
                                         "hosts": ["shop.example.com", "status.example.com"]}}]}],
    }


def test_from_gateways_names_the_identity_istio_gives_the_gateway() -> None:
    policies = {i.address: i.manifest for i in policies_plan(load_config(FIXTURE)).authorization}
    allow = policies["kubernetes_manifest.authorization_policy_shop_storefront-from-web"]
    assert allow["spec"]["rules"][0]["from"] == [
        {"source": {"principals": ["cluster.local/ns/istio-ingress/sa/web-istio"]}}
    ]


def test_default_deny_comes_after_the_gateway_allow_rule() -> None:
    (*allows, deny) = policies_plan(load_config(FIXTURE)).authorization
    assert deny.manifest["metadata"]["name"] == "allow-nothing"
    assert "kubernetes_manifest.authorization_policy_istio-ingress_allow-web" in deny.after


def test_a_gateway_api_ingress_without_an_entry_is_found_closed_by_default_deny() -> None:
    from istio_mesh.lint.engine import lint_config

    config = config_from("authorization: {defaultDeny: true}\n" + GW + LISTENER)
    assert [f.rule for f in lint_config(config) if f.rule == "ingress-closed-by-default-deny"] == [
        "ingress-closed-by-default-deny"
    ]


# -- every object against the real Gateway API CRDs -------------------------------


def _synthesized_gateway_api(synth: Synth) -> dict[str, tuple[str, dict[str, Any]]]:
    found = {}
    for name in synth.stack_names():
        for rid, resource in synth.stack(name).get("resource", {}).get("kubernetes_manifest", {}).items():
            manifest = resource["manifest"]
            if manifest["apiVersion"].split("/")[0] == GATEWAY_API_GROUP:
                found[f"{name}/{rid}"] = (name.rsplit("-", 1)[0], manifest)
    return found


def test_every_synthesized_gateway_api_object_is_accepted_by_the_crds(
    synth: Synth, all_configs: dict[str, MeshConfig]
) -> None:
    found = _synthesized_gateway_api(synth)
    kinds = {(m["kind"], m["spec"].get("gatewayClassName")) for _, m in found.values()}
    assert {("Gateway", "istio"), ("Gateway", "istio-waypoint"), ("HTTPRoute", None)} <= kinds
    problems = {
        where: p for where, (config, m) in found.items()
        if (p := gateway_api_problems(m, all_configs[config].gateway_api.channel))
    }
    assert problems == {}


def test_an_experimental_route_is_accepted_by_the_experimental_crd_only() -> None:
    config = config_from(
        "gatewayApi: {channel: experimental}\n" + GW + LISTENER
        + "    routes: [{name: r, rules: [{service: s, port: 80, retry: {attempts: 2, codes: [503]}}]}]\n"
    )
    (_gateway, route) = [i.manifest for i in policies_plan(config).gateway_api]
    assert route["spec"]["rules"][0]["retry"] == {"attempts": 2, "codes": [503]}
    assert gateway_api_problems(route, "experimental") == []
    # Why the standard channel refuses it in the config: the API server would drop it.
    assert gateway_api_problems(route, "standard") == [
        "spec.rules.0: unknown field 'retry' (the API server would prune it)"
    ]


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        pytest.param(
            {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
             "metadata": {"name": "g", "namespace": "n"},
             "spec": {"gatewayClassName": "istio", "listeners": [
                 {"name": "a", "port": 80, "protocol": "HTTP"}, {"name": "a", "port": 81, "protocol": "HTTP"}]}},
            "spec.listeners: Listener name must be unique within the Gateway",
            id="cel-rule",
        ),
        pytest.param(
            {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "r", "namespace": "n"},
             "spec": {"parentRefs": [{"name": "g"}], "rules": [{"backendRefs": [{"name": "s"}]}]}},
            "spec.rules[0].backendRefs[0]: Must have port for Service reference",
            id="cel-rule-on-a-defaulted-field",
        ),
        pytest.param(
            {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
             "metadata": {"name": "g", "namespace": "n"},
             "spec": {"gatewayClassName": "istio", "listeners": [{"name": "a", "port": 0, "protocol": "HTTP"}]}},
            "spec.listeners.0.port: 0 is less than the minimum of 1",
            id="schema",
        ),
    ],
)
def test_the_check_refuses_what_the_api_server_would(manifest: dict[str, Any], problem: str) -> None:
    assert problem in gateway_api_problems(manifest)


# -- the synthesized stacks ---------------------------------------------------------


@pytest.mark.parametrize("name", ["ambient", "gateway-api-ingress"])
def test_the_mesh_stack_holds_the_crds_and_the_policies_stack_their_users(synth: Synth, name: str) -> None:
    mesh = synth.stack(f"{name}-mesh")["resource"]["helm_release"]
    crds = mesh["gateway-api-crds"]
    assert crds["chart"].startswith("assets/") and "repository" not in crds
    assert crds["depends_on"] == ["helm_release.istio-base"]
    assert "helm_release.gateway-api-crds" in mesh["istiod"]["depends_on"]
    chart = synth.outdir / "stacks" / f"{name}-mesh" / crds["chart"]
    assert (chart / "Chart.yaml").is_file() and (chart / "templates" / "crds.yaml").is_file()
    users = [m["kind"] for m in (r["manifest"] for r in synth.stack(f"{name}-policies")["resource"]
                                 ["kubernetes_manifest"].values())
             if m["apiVersion"].startswith(GATEWAY_API_GROUP)]
    assert users and set(users) <= {"Gateway", "HTTPRoute"}


# -- Argo CD ------------------------------------------------------------------------


def test_the_argocd_export_syncs_the_crds_before_istiod_and_keeps_them() -> None:
    from istio_mesh.export.argocd import argocd_export
    from istio_mesh.export.files import export_files

    config = load_config(REPO / "config" / "ambient.yaml")
    export = argocd_export("ambient", config, cluster_plan(config))
    app = export.releases["ambient-gateway-api-crds"]
    assert export.waves["ambient-istio-base"] < export.waves["ambient-gateway-api-crds"] < export.waves["ambient-istiod"]
    assert app["spec"]["syncPolicy"] == {
        "automated": {"prune": False, "selfHeal": True},
        "syncOptions": ["Prune=false", "ServerSideApply=true"],
    }
    assert "finalizers" not in app["metadata"]
    readme = export_files(export)["ambient/README.md"]
    assert (f"| {export.waves['ambient-gateway-api-crds']} | `ambient-gateway-api-crds` | `config/crd/standard` of "
            "https://github.com/kubernetes-sigs/gateway-api at v1.5.1 |") in readme

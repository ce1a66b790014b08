"""GatewayApiIngress (components/gateway_api.py): each ``api: gateway-api``
gateway's Gateway (class istio) and its HTTPRoutes. This file checks the
Gateway waits for its namespace and each route for the Gateway, and that the
Gateway before its namespace is refused."""

from __future__ import annotations

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.components.upstream import Rendered
from istio_mesh.plan import policies_plan

INGRESS = """
gateways:
  - name: web
    kind: ingress
    api: gateway-api
    listeners: [{name: http, port: 80, protocol: HTTP}]
    routes:
      - name: storefront
        namespace: shop
        rules: [{path: /, service: storefront, port: 8080}]
"""


def test_the_gateway_follows_its_namespace_and_the_route_follows_the_gateway() -> None:
    from istio_mesh.components import GatewayApiIngress, MeshNamespace

    plan = policies_plan(config_from(INGRESS))
    stack = fresh_stack()
    rendered = Rendered(stack)
    (ingress,) = plan.namespaces
    rendered.add(ingress.address, MeshNamespace(stack, "ingress", namespace=ingress).resource)
    GatewayApiIngress(stack, "gateway-api", items=plan.gateway_api, rendered=rendered)
    manifests = synth_stack(stack)["resource"]["kubernetes_manifest"]
    assert manifests["gateway_istio-ingress_web"] == {
        "manifest": {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": {"name": "web", "namespace": "istio-ingress"},
            "spec": {
                "gatewayClassName": "istio",
                "listeners": [{
                    "name": "http", "port": 80, "protocol": "HTTP",
                    "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchExpressions": [
                        {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["shop"]},
                    ]}}},
                }],
            },
        },
        "depends_on": ["kubernetes_namespace_v1.istio-ingress"],
    }
    assert manifests["http_route_shop_storefront"] == {
        "manifest": {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": {"name": "storefront", "namespace": "shop"},
            "spec": {
                "parentRefs": [{"name": "web", "namespace": "istio-ingress"}],
                "rules": [{
                    "backendRefs": [{"name": "storefront", "port": 8080}],
                    "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                }],
            },
        },
        "depends_on": ["kubernetes_manifest.gateway_istio-ingress_web"],
    }


def test_the_gateway_before_its_namespace_is_refused() -> None:
    from istio_mesh.components import GatewayApiIngress

    plan = policies_plan(config_from(INGRESS))
    with pytest.raises(
        ValueError, match=r"^test: rendered out of plan order: kubernetes_namespace_v1.istio-ingress not rendered yet$"
    ):
        GatewayApiIngress(fresh_stack(), "gateway-api", items=plan.gateway_api, rendered=Rendered(fresh_stack()))

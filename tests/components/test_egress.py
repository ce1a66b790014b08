"""EgressControl (components/egress.py): ServiceEntries for allowed external
hosts and, for a service routed through an egress gateway, its Gateway,
VirtualService and DestinationRule. This file checks the rendered manifests
and that an address rendered twice is refused."""

from __future__ import annotations

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.components.upstream import Rendered
from istio_mesh.plan import policies_plan

EGRESS = """
gateways: [{name: out, kind: egress}]
egress:
  services:
    - name: stripe
      hosts: [api.stripe.com]
      ports: [{number: 443, name: tls, protocol: TLS}]
      egressGateway: out
    - name: plain
      hosts: [x.example.com]
      ports: [{number: 443, name: https, protocol: HTTPS}]
"""


def test_a_direct_service_gets_a_service_entry_and_a_routed_one_its_gateway_route_and_subset() -> None:
    from istio_mesh.components import EgressControl

    stack = fresh_stack()
    EgressControl(stack, "egress", items=policies_plan(config_from(EGRESS)).egress)
    manifests = synth_stack(stack)["resource"]["kubernetes_manifest"]
    assert sorted(manifests) == [
        "destination_rule_istio-system_out",
        "gateway_istio-egress_stripe",
        "service_entry_istio-system_plain",
        "service_entry_istio-system_stripe",
        "virtual_service_istio-system_stripe",
    ]
    assert manifests["service_entry_istio-system_plain"] == {"manifest": {
        "apiVersion": "networking.istio.io/v1",
        "kind": "ServiceEntry",
        "metadata": {"name": "plain", "namespace": "istio-system"},
        "spec": {
            "hosts": ["x.example.com"],
            "location": "MESH_EXTERNAL",
            "ports": [{"name": "https", "number": 443, "protocol": "HTTPS"}],
            "resolution": "DNS",
        },
    }}
    assert manifests["gateway_istio-egress_stripe"]["manifest"]["spec"] == {
        "selector": {"app": "out"},
        "servers": [{
            "hosts": ["api.stripe.com"],
            "port": {"name": "tls", "number": 443, "protocol": "TLS"},
            "tls": {"mode": "PASSTHROUGH"},
        }],
    }
    assert manifests["destination_rule_istio-system_out"]["manifest"]["spec"] == {
        "host": "out.istio-egress.svc.cluster.local", "subsets": [{"name": "stripe"}],
    }
    # Root-namespace and gateway-namespace objects: nothing of this stack to wait for.
    assert all("depends_on" not in resource for resource in manifests.values())


def test_egress_items_at_an_address_rendered_already_are_refused() -> None:
    from istio_mesh.components import EgressControl

    items = policies_plan(config_from(EGRESS)).egress
    stack = fresh_stack()
    rendered = Rendered(stack)
    EgressControl(stack, "egress", items=items, rendered=rendered)
    with pytest.raises(ValueError, match=r"^test: two resources at kubernetes_manifest.service_entry_istio-system_stripe: "):
        EgressControl(stack, "again", items=items, rendered=rendered)

"""GatewayApiCrds (components/gateway_api_crds.py): the Gateway API CRDs from the
chart this package ships, copied into the synthesized stack. This file checks
the release (a packaged chart path, no repository, after base) and the
refusals: no base, or a packaged chart that does not ship."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import mesh_plan


def test_the_crds_install_from_the_packaged_chart_after_base() -> None:
    from istio_mesh.components import GatewayApiCrds, IstioBase

    plan = mesh_plan(config_from("gatewayApi: {crds: install}"))
    assert plan.gateway_api_crds is not None
    stack = fresh_stack()
    base = IstioBase(stack, "base", release=plan.base)
    crds = GatewayApiCrds(stack, "crds", release=plan.gateway_api_crds, after=[base.resource])
    assert crds.chart_asset is not None
    release = synth_stack(stack)["resource"]["helm_release"]["gateway-api-crds"]
    # A folder named by a hash of the chart's contents, inside the stack's output.
    assert re.fullmatch(r"assets/crds_chart_[0-9A-F]{8}/[0-9A-F]{32}", release["chart"])
    assert "repository" not in release
    assert (release["name"], release["version"], release["namespace"]) == ("gateway-api-crds", "1.5.1", "istio-system")
    assert release["values"] == ['{"channel":"standard"}']
    assert release["depends_on"] == ["helm_release.istio-base"]


def test_the_crds_without_base_are_refused() -> None:
    from istio_mesh.components import GatewayApiCrds

    plan = mesh_plan(config_from("gatewayApi: {crds: install}"))
    assert plan.gateway_api_crds is not None
    with pytest.raises(
        ValueError, match=r"^test/crds: release 'gateway-api-crds' comes after helm_release.istio-base in the mesh plan"
    ):
        GatewayApiCrds(fresh_stack(), "crds", release=plan.gateway_api_crds)


def test_a_packaged_chart_that_does_not_ship_is_refused() -> None:
    from istio_mesh.components import GatewayApiCrds

    plan = mesh_plan(config_from("gatewayApi: {crds: install}"))
    assert plan.gateway_api_crds is not None
    item = replace(plan.gateway_api_crds, chart="no-such-chart", after=())
    with pytest.raises(ValueError, match=r"^test/crds: no chart 'no-such-chart' ships with istio_mesh"):
        GatewayApiCrds(fresh_stack(), "crds", release=item)

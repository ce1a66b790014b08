"""ConstructError (components/errors.py): a construct's error starts with
its place in the construct tree."""

from __future__ import annotations

import pytest

from conftest import config_from, fresh_stack


def test_the_message_starts_with_the_construct_path() -> None:
    from istio_mesh.components.errors import ConstructError
    from istio_mesh.runtime.terraform import Construct

    inner = Construct(Construct(fresh_stack("prod-mesh"), "istio"), "gateway-edge")
    error = ConstructError("no chart 'x' ships with istio_mesh", inner)
    assert str(error) == "prod-mesh/istio/gateway-edge: no chart 'x' ships with istio_mesh"
    assert (error.path, error.message) == ("prod-mesh/istio/gateway-edge", "no chart 'x' ships with istio_mesh")


def test_it_is_a_value_error_so_existing_handlers_still_catch_it() -> None:
    from istio_mesh.components.errors import ConstructError

    with pytest.raises(ValueError, match=r"^test: bad$"):
        raise ConstructError("bad", fresh_stack())


def test_a_construct_raises_it_with_its_own_path() -> None:
    from istio_mesh.components import IstioGateway
    from istio_mesh.components.errors import ConstructError
    from istio_mesh.plan import mesh_plan

    plan = mesh_plan(config_from("gateways: [{name: edge, kind: ingress}]"))
    stack = fresh_stack("platform")
    with pytest.raises(ConstructError) as raised:
        IstioGateway(stack, "gateway-edge", release=plan.gateways[0], after=[])
    assert str(raised.value) == (
        "platform/gateway-edge: release 'edge' comes after helm_release.istiod in the mesh plan; "
        "pass the construct's resource in after="
    )


def test_an_after_entry_that_is_no_terraform_resource_is_named() -> None:
    from istio_mesh.components import IstioBase
    from istio_mesh.plan import mesh_plan

    plan = mesh_plan(config_from("{}"))
    with pytest.raises(ValueError, match=r"^test/base: after= holds 'helm_release.x', which is not a Terraform resource$"):
        IstioBase(fresh_stack(), "base", release=plan.base, after=["helm_release.x"])  # type: ignore[list-item]

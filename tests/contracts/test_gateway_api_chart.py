"""The Gateway API CRD chart the package ships, rendered by the real Helm:
exactly the vendored bundle plus the keep annotation, per channel; the
downgrade guard's decisions; the chart in the synthesized stack, the same on
every synth.

What ``helm template`` cannot show: ``lookup`` answers only against a live
API server (install, upgrade, ``--dry-run=server``), so here it is always
empty. The guard is therefore tested by rendering its named template with
stand-in live objects, through the same Helm, in a probe chart built from the
shipped ``_guard.tpl``; and the shipped template is checked to hand every
object to the guard with the answer of ``lookup`` for that object's name.
"""

from __future__ import annotations

import copy
import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, Synth, fresh_stack, load_config, synthesize
from gateway_api_reference import CHART, bundle_documents
from helm_tool import helm_binary
from istio_mesh.config.gateway_api import GATEWAY_API_VERSION
from istio_mesh.plan import mesh_plan

KEEP = {"helm.sh/resource-policy": "keep"}
BUNDLE_VERSION = "gateway.networking.k8s.io/bundle-version"


def helm(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(helm_binary()), *args], capture_output=True, text=True, cwd=cwd, check=False)


def render(chart: Path, *values: str) -> list[dict[str, Any]]:
    """The chart's documents as Helm renders them with ``--set`` values (a
    fresh copy each call; each distinct render runs Helm once per process)."""
    return copy.deepcopy(_render(chart, values))


@functools.cache
def _render(chart: Path, values: tuple[str, ...]) -> list[dict[str, Any]]:
    args = [arg for value in values for arg in ("--set", value)]
    done = helm("template", "gateway-api-crds", str(chart), "--namespace", "istio-system", *args)
    assert done.returncode == 0, done.stderr
    return load_documents(done.stdout)


def load_documents(text: str) -> list[dict[str, Any]]:
    """A megabyte of rendered CRDs: libyaml's loader where PyYAML has it."""
    return [doc for doc in yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if doc]


def by_identity(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Helm orders what it renders by kind (CRDs first); the bundle by file name."""
    return sorted(docs, key=lambda d: (d["apiVersion"], d["kind"], d["metadata"]["name"]))


def with_keep(doc: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(doc["metadata"])
    metadata["annotations"] = {**metadata.get("annotations", {}), **KEEP}
    return {**doc, "metadata": metadata}


@pytest.mark.parametrize("channel", ["standard", "experimental"])
def test_the_chart_renders_the_bundle_unchanged_but_for_the_keep_annotation(channel: str) -> None:
    rendered = render(CHART, f"channel={channel}")
    vendored = [with_keep(doc) for _, doc in bundle_documents(channel)]
    assert by_identity(rendered) == by_identity(vendored)
    assert len(rendered) == len(vendored)
    assert all(doc["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep" for doc in rendered)


def test_the_channels_hold_the_kinds_upstream_publishes() -> None:
    def kinds(channel: str) -> set[str]:
        return {d["spec"]["names"]["kind"] for d in render(CHART, f"channel={channel}")
                if d["kind"] == "CustomResourceDefinition"}

    standard = {"BackendTLSPolicy", "GatewayClass", "Gateway", "GRPCRoute", "HTTPRoute", "ListenerSet",
                "ReferenceGrant", "TLSRoute"}
    assert kinds("standard") == standard
    assert kinds("experimental") == standard | {"TCPRoute", "UDPRoute", "XBackendTrafficPolicy", "XMesh"}
    others = {d["kind"] for d in render(CHART) if d["kind"] != "CustomResourceDefinition"}
    assert others == {"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"}


def test_the_default_channel_is_standard() -> None:
    assert render(CHART) == render(CHART, "channel=standard")


def test_an_unknown_channel_fails_the_render() -> None:
    done = helm("template", "x", str(CHART), "--set", "channel=beta")
    assert done.returncode != 0
    assert 'channel "beta": expected standard or experimental' in done.stderr


def test_chart_version_plan_and_bundle_agree() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert (chart["version"], chart["appVersion"]) == (GATEWAY_API_VERSION.removeprefix("v"), GATEWAY_API_VERSION)
    crds = mesh_plan(load_config(REPO / "config" / "ambient.yaml")).gateway_api_crds
    assert crds is not None and crds.version == chart["version"]
    versions = {doc["metadata"]["annotations"][BUNDLE_VERSION]
                for channel in ("standard", "experimental") for _, doc in bundle_documents(channel)
                if doc["kind"] == "CustomResourceDefinition"}
    assert versions == {GATEWAY_API_VERSION}


def test_the_licence_ships_with_the_chart_and_in_third_party() -> None:
    licence = (CHART / "LICENSE").read_text()
    assert "Apache License" in licence
    assert (REPO / "third_party" / "gateway-api" / GATEWAY_API_VERSION / "LICENSE").read_text() == licence


def test_the_chart_ships_as_package_data() -> None:
    from istio_mesh.components.release import packaged_chart_directory

    assert '"charts/**/*"' in (REPO / "pyproject.toml").read_text()
    stack = fresh_stack()
    assert Path(packaged_chart_directory("gateway-api-crds", stack)) == CHART
    with pytest.raises(ValueError, match="^test: no chart 'nope' ships with istio_mesh"):
        packaged_chart_directory("nope", stack)


# -- the downgrade guard -------------------------------------------------------------


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A chart holding the shipped guard and one template that calls it with
    the stand-in live object and the bundled object given as values."""
    root = tmp_path_factory.mktemp("probe")
    (root / "templates").mkdir()
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: probe\nversion: 0.1.0\n")
    shutil.copy(CHART / "templates" / "_guard.tpl", root / "templates" / "_guard.tpl")
    (root / "templates" / "probe.yaml").write_text(
        '{{- include "gateway-api-crds.refuseDowngrade" (dict "existing" .Values.existing "bundled" .Values.bundled) -}}\n'
        "kind: ConfigMap\napiVersion: v1\nmetadata: {name: passed}\n"
    )
    return root


def _crd(version: str | None, kind: str = "CustomResourceDefinition") -> dict[str, Any]:
    annotations = {BUNDLE_VERSION: version} if version is not None else {}
    return {"kind": kind, "metadata": {"name": "gateways.gateway.networking.k8s.io", "annotations": annotations}}


def _guard(probe: Path, existing: dict[str, Any] | None, bundled: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    values = probe / "values-under-test.yaml"
    values.write_text(yaml.safe_dump({"existing": existing, "bundled": bundled}))
    return helm("template", "x", str(probe), "-f", str(values))


@pytest.mark.parametrize(
    ("live", "refused"),
    [
        pytest.param(None, False, id="absent"),
        pytest.param(_crd(None), False, id="no-bundle-annotation"),
        pytest.param(_crd("v1.4.0"), False, id="older"),
        pytest.param(_crd(GATEWAY_API_VERSION), False, id="same"),
        pytest.param(_crd("v1.5.1-rc.1"), False, id="our-release-candidate"),
        pytest.param(_crd("not-a-version"), False, id="unparseable-left-alone"),
        pytest.param(_crd("v1.5.2"), True, id="newer-patch"),
        pytest.param(_crd("v1.6.0-rc.1"), True, id="newer-release-candidate"),
        pytest.param(_crd("v2.0.0"), True, id="newer-major"),
    ],
)
def test_the_guard_refuses_only_a_newer_live_crd(probe: Path, live: dict[str, Any] | None, refused: bool) -> None:
    done = _guard(probe, live, _crd(GATEWAY_API_VERSION))
    assert (done.returncode != 0) is refused, done.stderr
    if refused:
        theirs = live["metadata"]["annotations"][BUNDLE_VERSION] if live else ""
        assert (
            f"CRD gateways.gateway.networking.k8s.io is at Gateway API {theirs} on the cluster, newer "
            f"than this chart's {GATEWAY_API_VERSION}: refusing to downgrade it (pin a newer "
            "istio-mesh, or set gatewayApi.crds: skip and manage the CRDs yourself)"
        ) in done.stderr
    else:
        assert "name: passed" in done.stdout


def test_the_guard_leaves_objects_other_than_crds_alone(probe: Path) -> None:
    done = _guard(probe, _crd("v9.0.0", kind="ValidatingAdmissionPolicy"), _crd("v1.5.0-dev", "ValidatingAdmissionPolicy"))
    assert done.returncode == 0, done.stderr


def test_the_shipped_template_guards_every_object_with_its_live_copy() -> None:
    template = (CHART / "templates" / "crds.yaml").read_text()
    assert '{{- $live := lookup $doc.apiVersion $doc.kind "" $doc.metadata.name -}}' in template
    assert ('{{- include "gateway-api-crds.refuseDowngrade" (dict "existing" $live "bundled" $doc) -}}'
            in template)


# -- the chart in the synthesized stack -----------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_stack_carries_the_chart_at_a_path_that_is_the_same_on_every_synth(
    synth: Synth, tmp_path: Path
) -> None:
    again = synthesize({"ambient": load_config(REPO / "config" / "ambient.yaml")}, tmp_path / "out")
    first = synth.stack("ambient-mesh")["resource"]["helm_release"]["gateway-api-crds"]["chart"]
    second = again.stack("ambient-mesh")["resource"]["helm_release"]["gateway-api-crds"]["chart"]
    assert first == second
    copied = synth.outdir / "stacks" / "ambient-mesh" / first
    assert _tree(copied) == _tree(CHART)
    assert _tree(again.outdir / "stacks" / "ambient-mesh" / second) == _tree(CHART)


def test_the_synthesized_release_renders_the_bundle(synth: Synth) -> None:
    release = synth.stack("ambient-mesh")["resource"]["helm_release"]["gateway-api-crds"]
    chart = synth.outdir / "stacks" / "ambient-mesh" / release["chart"]
    values = synth.outdir / "gateway-api-crds-values.json"
    values.write_text(release["values"][0])
    done = helm("template", release["name"], str(chart), "--namespace", release["namespace"], "-f", str(values))
    assert done.returncode == 0, done.stderr
    rendered = load_documents(done.stdout)
    assert by_identity(rendered) == by_identity([with_keep(doc) for _, doc in bundle_documents("standard")])

"""The Argo CD export: the Terraform stack's releases, values and order, as
Applications the real Application CRD accepts.

Expectations come from the synthesized Terraform stacks (the session
synthesis in conftest), the vendored Application CRD and the pinned charts'
values, never from the export code itself.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import FLEET_FILES, REPO, SHIPPED_FILES, Synth, config_from, helm_releases, release_values
from istio_mesh.config.fleet import load_fleet
from istio_mesh.config.loader import load_config
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.export import ArgoExport, argocd_export
from istio_mesh.plan import cluster_plan
from istio_reference import unknown_fields, unknown_value_keys

CRD = REPO / "third_party" / "argocd" / "application-crd.yaml"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
WAVE = "argocd.argoproj.io/sync-wave"
REPOSITORY = "gitops:\n  repository:\n    url: https://git.example.com/platform/mesh.git\n    path: clusters\n"

# The upgrade runbook's steps, wherever they live (config/examples/ or
# examples/upgrade-runbook/): found by glob, so a move breaks nothing here.
RUNBOOK = sorted(
    path
    for pattern in ("config/examples/upgrade-step-*.yaml", "examples/upgrade-runbook/*.yaml")
    for path in REPO.glob(pattern)
)
SHIPPED = [path for path in SHIPPED_FILES if path.parent.name == "config"]
FULL = sorted((REPO / "tests" / "fixtures" / "full").glob("*.yaml"))


def _export(name: str, config: MeshConfig) -> ArgoExport:
    return argocd_export(name, config, cluster_plan(config))


def _with_repository(path: Path) -> MeshConfig:
    """A shipped config plus a gitops.repository, so the folder and root
    Applications are written too."""
    return config_from(path.read_text() + "\n" + REPOSITORY)


def _every_export() -> dict[str, ArgoExport]:
    """Each shipped config, runbook step, fleet cluster and full fixture, with
    and without a repository."""
    out: dict[str, ArgoExport] = {}
    for path in [*SHIPPED, *RUNBOOK, *FULL]:
        out[path.stem] = _export(path.stem, load_config(path))
        if "gitops:" not in path.read_text():
            out[f"{path.stem}+repository"] = _export(path.stem, _with_repository(path))
    for fleet in FLEET_FILES:
        for name, config in load_fleet(fleet).items():
            out[name] = _export(name, config)
    return out


@functools.cache
def _application_schema() -> dict[str, Any]:
    # 400 KB of YAML: libyaml's loader reads it in a tenth of the pure-Python time.
    docs = [d for d in yaml.load_all(CRD.read_text(), Loader=_YAML_LOADER) if d]
    (crd,) = [d for d in docs if d["kind"] == "CustomResourceDefinition"]
    assert crd["spec"]["names"]["kind"] == "Application"
    (served,) = [v for v in crd["spec"]["versions"] if v["served"]]
    assert served["name"] == "v1alpha1"
    schema = dict(served["schema"]["openAPIV3Schema"])
    # The API server checks apiVersion, kind and metadata itself; the schema
    # leaves metadata open.
    schema["properties"] = {**schema["properties"], "apiVersion": {"type": "string"},
                            "kind": {"type": "string"}, "metadata": {"type": "object"}}
    return schema


def application_problems(application: Mapping[str, Any]) -> list[str]:
    """Why the Application CRD would refuse ``application`` (or prune part of it)."""
    schema = _application_schema()
    problems = [f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                for e in sorted(jsonschema.Draft7Validator(schema).iter_errors(dict(application)), key=str)]
    if application.get("apiVersion") != "argoproj.io/v1alpha1" or application.get("kind") != "Application":
        problems.append("not an argoproj.io/v1alpha1 Application")
    if not application.get("metadata", {}).get("namespace"):
        problems.append("metadata.namespace: Applications are namespaced")
    return problems + unknown_fields(schema, dict(application))


def _waves(export: ArgoExport) -> dict[str, int]:
    return {name: int(app["metadata"]["annotations"][WAVE]) for name, app in export.releases.items()}


# -- values: the Terraform stack's, exactly ------------------------------------


@pytest.mark.parametrize("name", ["prod", "ambient"])
def test_each_application_installs_what_the_stacks_helm_release_installs(synth: Synth, name: str) -> None:
    releases = helm_releases(synth.stack(f"{name}-mesh"))
    export = _export(name, load_config(REPO / "config" / f"{name}.yaml"))
    assert sorted(export.releases) == sorted(f"{name}-{r}" for r in releases)
    for rid, release in releases.items():
        app = export.releases[f"{name}-{rid}"]
        source = app["spec"]["source"]
        if rid == "gateway-api-crds":
            # The stack installs the chart shipped in the package; Argo CD
            # syncs the same bundle files from the upstream tag.
            channel = release_values(release)["channel"]
            assert source == {
                "repoURL": "https://github.com/kubernetes-sigs/gateway-api",
                "targetRevision": f"v{release['version']}",
                "path": f"config/crd/{channel}",
                "directory": {"include": "gateway*.yaml"},
            }
            assert "finalizers" not in app["metadata"]
            continue
        assert source["helm"]["valuesObject"] == release_values(release), rid
        assert (source["chart"], source["targetRevision"], source["repoURL"], source["helm"]["releaseName"]) == (
            release["chart"], release["version"], release["repository"], release["name"]), rid
        assert app["spec"]["destination"]["namespace"] == release["namespace"], rid


def test_the_written_files_hold_the_same_values(synth: Synth, tmp_path: Path) -> None:
    from istio_mesh.export import write_exports

    write_exports([_export("prod", load_config(REPO / "config" / "prod.yaml"))], tmp_path)
    for rid, release in helm_releases(synth.stack("prod-mesh")).items():
        written = yaml.safe_load((tmp_path / "prod" / "applications" / f"prod-{rid}.yaml").read_text())
        assert written["spec"]["source"]["helm"]["valuesObject"] == release_values(release), rid


# -- order: the Terraform dependencies, as sync waves --------------------------


def test_prod_waves_follow_the_helm_order() -> None:
    export = _export("prod", load_config(REPO / "config" / "prod.yaml"))
    # base, then cni (and the plug-in CA secret), then istiod, then the gateways;
    # the policies after everything of the mesh stack.
    assert export.waves == {
        "prod-istio-base": 0, "prod-istio-cni": 1, "prod-istiod": 2,
        "prod-istio-egressgateway": 3, "prod-istio-ingressgateway": 3, "prod-policies": 4,
    }


def test_ambient_waves_follow_istios_ambient_order() -> None:
    export = _export("ambient", load_config(REPO / "config" / "ambient.yaml"))
    waves = export.waves
    assert waves["ambient-istio-base"] < waves["ambient-istiod"] < waves["ambient-istio-cni"] < waves["ambient-ztunnel"]
    assert waves["ambient-policies"] > max(w for n, w in waves.items() if n != "ambient-policies")


def _exported_waves(export: ArgoExport) -> dict[str, int]:
    """Terraform address -> wave, for what the mesh stack and the export share:
    the releases and the revision tags' manifests."""
    out = {f"helm_release.{name.removeprefix(export.cluster + '-')}": int(a["metadata"]["annotations"][WAVE])
           for name, a in export.releases.items()}
    for folder in export.folders:
        if folder.name == "revision-tags":
            out.update({f"kubernetes_manifest.{f.removesuffix('.yaml')}": folder.wave for f in folder.manifests})
    return out


@pytest.mark.parametrize("path", [REPO / "config" / "prod.yaml", REPO / "config" / "ambient.yaml", *RUNBOOK],
                         ids=lambda p: p.stem)
def test_every_terraform_dependency_is_an_earlier_wave(synth: Synth, path: Path) -> None:
    stack = synth.stack(f"{path.stem}-mesh")
    waves = _exported_waves(_export(path.stem, load_config(path)))
    shared = {f"{kind}.{name}": resource for kind in ("helm_release", "kubernetes_manifest")
              for name, resource in stack["resource"].get(kind, {}).items()}
    assert sorted(shared) == sorted(waves), "the export and the stack hold different objects"
    late = [(address, dep) for address, resource in shared.items()
            for dep in resource.get("depends_on", []) if dep in waves and waves[dep] >= waves[address]]
    assert late == []


def test_the_runbook_exports_revision_tags_between_istiod_and_gateways() -> None:
    assert RUNBOOK, "no upgrade-runbook steps found"
    tagged = 0
    for path in RUNBOOK:
        export = _export(path.stem, _with_repository(path))
        folders = {f.name: f for f in export.folders}
        if "revision-tags" not in folders:
            continue
        tagged += 1
        tags = folders["revision-tags"]
        istiods = [w for n, w in _waves(export).items() if "istiod" in n]
        gateways = [w for n, w in _waves(export).items() if "gateway" in n]
        assert max(istiods) < tags.wave < min(gateways), path.stem
        kinds = sorted({m["kind"] for m in tags.manifests.values()})
        assert kinds == ["MutatingWebhookConfiguration", "Service"], path.stem
        app = export.folder_applications[f"{path.stem}-revision-tags"]
        assert app["spec"]["source"]["path"] == f"clusters/{path.stem}/revision-tags"
        assert int(app["metadata"]["annotations"][WAVE]) == tags.wave
        assert [d["kind"] for d in app["spec"]["ignoreDifferences"]] == ["MutatingWebhookConfiguration"]
    assert tagged >= 1


def test_policies_are_ordered_inside_their_folder() -> None:
    export = _export("prod", load_config(REPO / "config" / "prod.yaml"))
    (policies,) = [f for f in export.folders if f.name == "policies"]
    waves = {n: int(m["metadata"]["annotations"][WAVE]) for n, m in policies.manifests.items()}
    # Each object after the namespace it lives in, when the stack onboards it.
    onboarded = {m["metadata"]["name"]: waves[n] for n, m in policies.manifests.items() if m["kind"] == "Namespace"}
    inside = [(n, m["metadata"]["namespace"]) for n, m in policies.manifests.items()
              if m["metadata"].get("namespace") in onboarded]
    assert len(inside) >= 3
    assert [(n, ns) for n, ns in inside if waves[n] <= onboarded[ns]] == []
    deny = waves["authorization_policy_istio-system_allow-nothing.yaml"]
    allows = [w for n, w in waves.items() if n.startswith("authorization_policy_") and "allow-nothing" not in n]
    assert deny > max(allows)


# -- Argo CD's Application CRD --------------------------------------------------


def test_every_application_validates_against_the_application_crd() -> None:
    problems = {}
    for key, export in _every_export().items():
        apps = dict(export.applications)
        if export.root is not None:
            apps["root"] = export.root
        for name, app in apps.items():
            if found := application_problems(app):
                problems[f"{key}/{name}"] = found
    assert problems == {}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda a: a["spec"]["source"]["helm"].update(valueObject={}), "unknown field 'valueObject'"),
        (lambda a: a["spec"]["syncPolicy"].update(syncOptions="CreateNamespace=true"), "is not of type 'array'"),
        (lambda a: a["spec"].pop("destination"), "'destination' is a required property"),
        (lambda a: a["metadata"].pop("namespace"), "Applications are namespaced"),
    ],
    ids=["misspelt-field", "wrong-type", "missing-required", "no-namespace"],
)
def test_the_crd_check_refuses_a_broken_application(change: Any, expected: str) -> None:
    app = copy.deepcopy(dict(_export("prod", load_config(REPO / "config" / "prod.yaml")).releases["prod-istiod"]))
    assert application_problems(app) == []
    change(app)
    assert any(expected in problem for problem in application_problems(app)), application_problems(app)


# -- the charts' values contract ------------------------------------------------


def test_every_applications_values_exist_in_its_chart(reference: Path) -> None:
    unknown = {
        f"{key}/{name}": keys
        for key, export in _every_export().items()
        for name, app in export.releases.items()
        if "helm" in app["spec"]["source"]
        # Kiali's chart is not Istio's: its values are checked against the
        # vendored kiali-server chart in test_observability.py.
        and app["spec"]["source"]["chart"] != "kiali-server"
        and (keys := unknown_value_keys(reference, app["spec"]["source"]["chart"],
                                       app["spec"]["source"]["helm"]["valuesObject"]))
    }
    assert unknown == {}


# -- runtime drift and sync options ---------------------------------------------


def test_istiod_ignores_what_istiod_patches_at_run_time() -> None:
    app = _export("prod", load_config(REPO / "config" / "prod.yaml")).releases["prod-istiod"]
    ignored = {(d["kind"], path) for d in app["spec"]["ignoreDifferences"] for path in d["jqPathExpressions"]}
    assert ignored == {
        ("MutatingWebhookConfiguration", ".webhooks[]?.clientConfig.caBundle"),
        ("ValidatingWebhookConfiguration", ".webhooks[]?.clientConfig.caBundle"),
        ("ValidatingWebhookConfiguration", ".webhooks[]?.failurePolicy"),
    }
    assert "RespectIgnoreDifferences=true" in app["spec"]["syncPolicy"]["syncOptions"]
    assert "ServerSideApply=true" in app["spec"]["syncPolicy"]["syncOptions"]


def test_every_release_creates_its_namespace_and_nothing_else_does() -> None:
    export = _export("prod", _with_repository(REPO / "config" / "prod.yaml"))
    for name, app in export.releases.items():
        assert "CreateNamespace=true" in app["spec"]["syncPolicy"]["syncOptions"], name
    for name, app in export.folder_applications.items():
        assert "CreateNamespace=true" not in app["spec"]["syncPolicy"]["syncOptions"], name
    assert export.root is not None
    assert "CreateNamespace=true" not in export.root["spec"]["syncPolicy"].get("syncOptions", [])


def test_a_namespace_the_policies_only_label_is_never_pruned_or_deleted() -> None:
    config = config_from(
        "namespaces:\n  - name: made\n    create: true\n  - name: existing\n    create: false\n"
    )
    (policies,) = [f for f in _export("t", config).folders if f.name == "policies"]
    made = policies.manifests["namespace_made.yaml"]["metadata"]["annotations"]
    existing = policies.manifests["namespace_existing.yaml"]["metadata"]["annotations"]
    assert "argocd.argoproj.io/sync-options" not in made
    assert existing["argocd.argoproj.io/sync-options"] == "Prune=false,Delete=false"


# -- the gitops: section ----------------------------------------------------------


def test_gitops_section_sets_destination_project_and_namespace() -> None:
    config = config_from(
        "gitops:\n  destination:\n    name: prod-eu\n  project: platform\n  namespace: gitops\n"
    )
    app = _export("prod", config).releases["prod-istiod"]
    assert app["spec"]["destination"] == {"name": "prod-eu", "namespace": "istio-system"}
    assert app["spec"]["project"] == "platform"
    assert app["metadata"]["namespace"] == "gitops"


def test_gitops_defaults_to_the_cluster_argocd_runs_in() -> None:
    app = _export("dev", config_from("{}")).releases["dev-istiod"]
    assert app["spec"]["destination"] == {"server": "https://kubernetes.default.svc", "namespace": "istio-system"}
    assert (app["spec"]["project"], app["metadata"]["namespace"]) == ("default", "argocd")


def test_the_root_application_lives_where_argocd_does() -> None:
    config = config_from(
        "gitops:\n  destination:\n    server: https://prod.example.com:6443\n"
        "  repository:\n    url: git@git.example.com:platform/mesh.git\n    revision: main\n"
    )
    export = _export("prod", config)
    assert export.root is not None
    assert export.root["spec"]["destination"] == {"server": "https://kubernetes.default.svc", "namespace": "argocd"}
    assert export.root["spec"]["source"] == {
        "repoURL": "git@git.example.com:platform/mesh.git", "targetRevision": "main", "path": "prod/applications"}
    assert export.releases["prod-istiod"]["spec"]["destination"]["server"] == "https://prod.example.com:6443"


# -- deletion -------------------------------------------------------------------

FINALIZER = "resources-finalizer.argocd.argoproj.io"


def test_a_dropped_release_is_deleted_with_its_application_unless_protected() -> None:
    # config/prod.yaml sets protection.preventDestroy: Terraform refuses to
    # destroy istio-base and the policies there, so their Applications must not
    # cascade either; istiod and the gateways go with their Application, as a
    # release removed from the config is destroyed.
    export = _export("prod", _with_repository(REPO / "config" / "prod.yaml"))
    cascading = {name for name, app in export.applications.items() if FINALIZER in app["metadata"].get("finalizers", [])}
    assert cascading == {"prod-istio-cni", "prod-istiod", "prod-istio-egressgateway", "prod-istio-ingressgateway"}
    assert export.root is not None and "finalizers" not in export.root["metadata"]


def test_without_protection_every_child_application_cascades() -> None:
    export = _export("dev", _with_repository(REPO / "config" / "dev.yaml"))
    assert all(FINALIZER in app["metadata"]["finalizers"] for app in export.applications.values())


def test_docs_show_an_application_as_exported() -> None:
    from istio_mesh.export.files import to_yaml

    quoted = (REPO / "docs" / "gitops.md").read_text().split("## One exported Application", 1)[1]
    block = quoted.split("```yaml\n", 1)[1].split("```", 1)[0]
    app = _export("prod", load_config(REPO / "config" / "prod.yaml")).releases["prod-istio-base"]
    assert block == to_yaml(app)

"""The floor: prod's two stacks written by hand with cdktf, as small as a user
could make them, for ``make bench`` to hold our synth against.

It writes the same Terraform JSON as ``config/prod.yaml`` gives (the bench
checks that, apart from cdktf's ``//`` metadata, which names construct
paths), from ``prod_terraform.json`` beside it: prod's stacks with that
metadata removed. Each resource is one constructor call straight in its
stack under its final address, so cdktf needs no ``override_logical_id``
and no intermediate constructs; what the typed API cannot say takes one
``add_override``. The bindings are loaded the cheapest way we know, by our
``runtime/terraform.py`` (only the modules used, runtime checks compiled out), so
the gap to our synth is our code and our construct tree, not the loading.

Run ``python tools/bench/handwritten_prod.py OUTDIR``. When prod's output
changes (a test says so), ``python tools/bench/handwritten_prod.py --refresh
CDKTF_OUT`` rewrites ``prod_terraform.json`` from a synthesized ``cdktf.out``.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = HERE / "prod_terraform.json"


PACKAGE = REPO / "constructs" / "istio_mesh"


def bare_packages() -> None:
    """Register ``istio_mesh`` and ``istio_mesh.runtime`` without running
    their ``__init__`` (the package's loads pydantic and the config models),
    so their standard-library-only modules import alone."""
    for name, folder in (("istio_mesh", PACKAGE), ("istio_mesh.runtime", PACKAGE / "runtime")):
        if name not in sys.modules:
            module = ModuleType(name)
            module.__path__ = [str(folder)]
            sys.modules[name] = module


def fast_path() -> ModuleType:
    """Our fast path switch (``istio_mesh.runtime.fast_path``), alone."""
    bare_packages()
    return importlib.import_module("istio_mesh.runtime.fast_path")


def terraform_module() -> ModuleType:
    """Our ``runtime/terraform.py``, alone: with the fast path on first, as main.py
    turns it on, it finds the bindings loaded."""
    bare_packages()
    return importlib.import_module("istio_mesh.runtime.terraform")


def _ordered(resources: dict[str, dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """Resources in an order where each comes after what it depends on."""
    pending = [(t, n, body) for t, items in resources.items() for n, body in items.items()]
    done: set[str] = set()
    ordered = []
    while pending:
        ready = [r for r in pending if set(r[2].get("depends_on", [])) <= done]
        if not ready:
            raise ValueError("dependency cycle in prod_terraform.json")
        for r in ready:
            ordered.append(r)
            done.add(f"{r[0]}.{r[1]}")
            pending.remove(r)
    return ordered


def build_stack(t: ModuleType, app: Any, name: str, doc: dict[str, Any]) -> None:
    """One stack from its Terraform JSON, one construct per block."""
    stack = t.TerraformStack(app, name)
    settings = doc["terraform"]
    t.LocalBackend(stack, path=settings["backend"]["local"]["path"])
    if "required_version" in settings:
        stack.add_override("terraform.required_version", settings["required_version"])
    for provider, (config,) in doc.get("provider", {}).items():
        if provider == "helm":
            t.HelmProvider(stack, "helm", kubernetes=t.HelmProviderKubernetes(**config["kubernetes"]))
        else:
            t.KubernetesProvider(stack, "kubernetes", **config)
    for variable, spec in doc.get("variable", {}).items():
        created = t.TerraformVariable(
            stack, variable, type=spec["type"], description=spec["description"],
            sensitive=spec["sensitive"], nullable=spec["nullable"])
        if spec.get("ephemeral"):
            created.add_override("ephemeral", True)
    for state, spec in doc.get("data", {}).get("terraform_remote_state", {}).items():
        remote = t.DataTerraformRemoteStateLocal(
            stack, state, path=spec["config"]["path"], defaults=spec["defaults"])
        remote.add_override("count", spec["count"])
    for local, expression in doc.get("locals", {}).items():
        t.TerraformLocal(stack, local, expression)
    created_resources: dict[str, Any] = {}
    for kind, address, body in _ordered(doc.get("resource", {})):
        fields = dict(body)
        after = [created_resources[d] for d in fields.pop("depends_on", [])]
        if after:
            fields["depends_on"] = after
        if "lifecycle" in fields:
            lifecycle = dict(fields["lifecycle"])
            if "precondition" in lifecycle:
                lifecycle["precondition"] = [t.Precondition(**p) for p in lifecycle["precondition"]]
            fields["lifecycle"] = t.TerraformResourceLifecycle(**lifecycle)
        if kind == "terraform_data":
            value = fields.pop("input", None)
            resource = t.TerraformResource(
                stack, address, terraform_resource_type="terraform_data", **fields)
            if value is not None:
                resource.add_override("input", value)
        else:
            resource = RESOURCES[kind](t)(stack, address, **fields)
        created_resources[f"{kind}.{address}"] = resource
    for check, block in doc.get("check", {}).items():
        # Terraform check blocks have no construct; cdktf writes them as overrides.
        stack.add_override(f"check.{check}", block)
    for output, spec in doc.get("output", {}).items():
        created_output = t.TerraformOutput(
            stack, output, value=spec["value"], description=spec["description"], static_id=True)
        if "depends_on" in spec:
            # cdktf writes an output's depends_on as "${...}", which Terraform
            # rejects; the plain addresses take an override.
            created_output.add_override("depends_on", spec["depends_on"])


RESOURCES = {
    "helm_release": lambda t: t.HelmRelease,
    "kubernetes_manifest": lambda t: t.KubernetesManifest,
    "kubernetes_namespace_v1": lambda t: t.NamespaceV1,
    "kubernetes_secret_v1": lambda t: t.SecretV1,
    "kubernetes_labels": lambda t: t.KubernetesLabels,
}


STACKS = ("prod-mesh", "prod-policies")


def without_metadata(value: Any) -> Any:
    """Terraform JSON without cdktf's ``//`` blocks (construct paths, override
    lists): what Terraform reads."""
    if isinstance(value, dict):
        return {k: without_metadata(v) for k, v in value.items() if k != "//"}
    if isinstance(value, list):
        return [without_metadata(v) for v in value]
    return value


def refresh(synthesized: Path) -> None:
    """Rewrite ``prod_terraform.json`` from prod's stacks in ``synthesized``."""
    stacks = {
        name: without_metadata(json.loads((synthesized / "stacks" / name / "cdk.tf.json").read_text()))
        for name in STACKS
    }
    DATA.write_text(json.dumps(stacks, indent=1, sort_keys=True))


def main(outdir: str) -> None:
    fast_path().enable()
    t = terraform_module()
    app = t.App(outdir=outdir)
    for name, doc in json.loads(DATA.read_text()).items():
        build_stack(t, app, name, doc)
    app.synth()


if __name__ == "__main__":
    if sys.argv[1] == "--refresh":
        refresh(Path(sys.argv[2]))
    else:
        main(sys.argv[1])

"""The repository layout the user asked for, and the guards that keep it working."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "constructs" / "istio_mesh"
CDKTF_MODULES = ("cdktf", "constructs", "cdktf_cdktf_provider_helm", "cdktf_cdktf_provider_kubernetes",
                 "cdktn", "cdktn_provider_helm", "cdktn_provider_kubernetes")


def test_top_level_layout_is_the_users() -> None:
    for name in ("cdktf.json", "main.py", "constructs", "config", "tests", "Pipfile",
                 "Pipfile.lock", "pyproject.toml", "Makefile", "README.md", ".ci/run"):
        assert (REPO / name).exists(), name


def test_constructs_folder_is_a_source_root_not_a_package() -> None:
    # A constructs/__init__.py would shadow the `constructs` library cdktf
    # imports whenever main.py runs from the repository root.
    root = REPO / "constructs"
    assert not (root / "__init__.py").exists()
    assert [p.name for p in root.iterdir() if p.suffix == ".py"] == []
    assert (PACKAGE / "__init__.py").is_file()


def test_constructs_library_resolves_to_the_installed_package() -> None:
    import constructs

    assert "site-packages" in str(Path(constructs.__file__))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_cdktf_is_imported_in_one_module_only() -> None:
    # cdktf is deprecated upstream; a move to CDK Terrain must stay a one-file change.
    importers = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if _imports(p) & set(CDKTF_MODULES)
    )
    assert importers == ["runtime/terraform.py"]


def _full_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_values_config_and_policy_data_do_not_need_jsii() -> None:
    # Chart values, policy objects and the linter are pure functions, tested without jsii.
    for folder in ("values", "config", "manifests", "lint"):
        for path in (PACKAGE / folder).rglob("*.py"):
            imported = _full_imports(path)
            assert "istio_mesh.runtime.terraform" not in imported, path
            assert not {m.split(".")[0] for m in imported} & set(CDKTF_MODULES), path


def test_development_tools_and_shims_are_not_in_the_package() -> None:
    """The wheel ships the library: the deploy graph and the config reference
    are development tools under tools/, and no module only re-exports another."""
    for gone in ("deploy_graph.py", "reference.py", "versions.py", "output.py", "owned_output.py",
                 "terraform.py", "toolchain.py", "provider_dialect.py", "upgrades.py",
                 "config/models.py", "lint/catalogue.py", "values/merge.py", "policy"):
        assert not (PACKAGE / gone).exists(), gone
    assert (REPO / "tools" / "deploy_graph.py").is_file()
    assert (REPO / "tools" / "config_reference.py").is_file()


def _has_logic(path: Path) -> bool:
    """A module defines a function or a class (not only names and data)."""
    tree = ast.parse(path.read_text())
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for node in tree.body)


def _mirrored_test(module: Path) -> Path:
    """Where a module's own tests live: ``tests/<path>/test_<module>.py``; a
    package's ``__init__`` is tested beside the package, as ``test_<package>.py``."""
    relative = module.relative_to(PACKAGE)
    if relative == Path("__init__.py"):
        return REPO / "tests" / "test_istio_mesh.py"
    if relative == Path("__main__.py"):
        return REPO / "tests" / "test_main.py"
    if relative.name == "__init__.py":
        return REPO / "tests" / relative.parent.parent / f"test_{relative.parent.name}.py"
    return REPO / "tests" / relative.parent / f"test_{relative.stem}.py"


def test_every_module_with_logic_has_its_mirrored_test_file() -> None:
    missing = [
        f"{module.relative_to(PACKAGE)} -> {_mirrored_test(module).relative_to(REPO)}"
        for module in sorted(PACKAGE.rglob("*.py"))
        if _has_logic(module) and not _mirrored_test(module).is_file()
    ]
    assert missing == [], "modules without their own test file:\n" + "\n".join(missing)


def test_the_mirror_rule_maps_modules_to_test_files() -> None:
    assert _mirrored_test(PACKAGE / "config" / "gateways.py") == REPO / "tests" / "config" / "test_gateways.py"
    assert _mirrored_test(PACKAGE / "plan" / "__init__.py") == REPO / "tests" / "test_plan.py"
    assert _mirrored_test(PACKAGE / "__init__.py") == REPO / "tests" / "test_istio_mesh.py"
    assert not _has_logic(PACKAGE / "runtime" / "__init__.py")  # a docstring only

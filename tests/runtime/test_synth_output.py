"""All-or-nothing output: cdktf.out is replaced whole, or left byte-identical."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import istio_mesh.app
from conftest import CONFIG_DIR, SHIPPED, synthesize, tree_digest
from istio_mesh import cli
from istio_mesh.config.loader import load_config
from istio_mesh.runtime.synth_output import staged_output
from istio_mesh.runtime.owned_output import MARKER, OutputRefused


def without_marker(digest: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in digest.items() if k != MARKER}


def hidden_leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".cdktf.out."))


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An earlier cdktf.out with two stacks, one of them initialised by Terraform."""
    outdir = tmp_path / "cdktf.out"
    for stack in ("prod-mesh", "retired-mesh"):
        (outdir / "stacks" / stack).mkdir(parents=True)
        (outdir / "stacks" / stack / "cdk.tf.json").write_text(f'{{"old": "{stack}"}}')
    (outdir / "stacks" / "prod-mesh" / ".terraform.lock.hcl").write_text("# locked providers\n")
    (outdir / "stacks" / "prod-mesh" / ".terraform" / "providers").mkdir(parents=True)
    (outdir / "stacks" / "prod-mesh" / ".terraform" / "providers" / "helm").write_bytes(b"\x7fELF")
    (outdir / "manifest.json").write_text('{"stacks": {}}')
    return outdir


def write_new_synthesis(staging: Path) -> None:
    (staging / "stacks" / "prod-mesh").mkdir(parents=True)
    (staging / "stacks" / "prod-mesh" / "cdk.tf.json").write_text('{"new": true}')
    (staging / "manifest.json").write_text('{"stacks": {"prod-mesh": {}}}')


def test_a_failure_half_way_leaves_the_previous_output_byte_identical(previous: Path) -> None:
    before = tree_digest(previous)
    with pytest.raises(RuntimeError, match="interrupted"):
        with staged_output(previous) as staging:
            write_new_synthesis(staging)
            raise RuntimeError("interrupted")
    assert tree_digest(previous) == before
    assert hidden_leftovers(previous.parent) == []


def test_success_replaces_the_output_whole_and_keeps_terraforms_files(previous: Path) -> None:
    with staged_output(previous) as staging:
        write_new_synthesis(staging)
    assert sorted(tree_digest(previous)) == [
        ".istio-mesh-output",  # the marker: this folder is the synthesis's own output
        "manifest.json",
        "stacks/prod-mesh/.terraform.lock.hcl",
        "stacks/prod-mesh/.terraform/providers/helm",
        "stacks/prod-mesh/cdk.tf.json",
    ]
    assert (previous / "stacks/prod-mesh/cdk.tf.json").read_text() == '{"new": true}'
    assert (previous / "stacks/prod-mesh/.terraform.lock.hcl").read_text() == "# locked providers\n"
    assert not (previous / "stacks/retired-mesh").exists()  # stale stack folder removed
    assert hidden_leftovers(previous.parent) == []


def test_for_the_cdktf_cli_stale_stack_folders_stay_for_it_to_remove(previous: Path) -> None:
    # The CLI deletes folders missing from the new manifest itself, and
    # fails if one is already gone.
    with staged_output(previous, keep_stale_stacks=True) as staging:
        write_new_synthesis(staging)
    assert (previous / "stacks/retired-mesh/cdk.tf.json").read_text() == '{"old": "retired-mesh"}'
    assert (previous / "stacks/prod-mesh/cdk.tf.json").read_text() == '{"new": true}'


def test_a_failed_swap_puts_the_previous_output_back(
    previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree_digest(previous)
    real_rename = Path.rename

    def rename(self: Path, target: Any) -> Path:
        if self.name.startswith(".cdktf.out.new-"):
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OutputRefused, match="cannot be written"):
        with staged_output(previous) as staging:
            write_new_synthesis(staging)
    assert tree_digest(previous) == before
    assert hidden_leftovers(previous.parent) == []


def test_a_first_synthesis_creates_the_output(tmp_path: Path) -> None:
    with staged_output(tmp_path / "out" / "cdktf.out") as staging:
        write_new_synthesis(staging)
    assert sorted(tree_digest(tmp_path / "out" / "cdktf.out")) == [
        MARKER, "manifest.json", "stacks/prod-mesh/cdk.tf.json"]


# -------------------------------------------------------------- through main()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The shipped configs and a real earlier synthesis of all of them."""
    (tmp_path / "config").mkdir()
    for name in SHIPPED:
        (tmp_path / "config" / f"{name}.yaml").write_text((CONFIG_DIR / f"{name}.yaml").read_text())
    configs = {p.stem: load_config(p) for p in sorted((tmp_path / "config").glob("*.yaml"))}
    synthesize(configs, tmp_path / "cdktf.out")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MESH_CONFIG", raising=False)
    monkeypatch.delenv("CDKTF_OUTDIR", raising=False)
    yield tmp_path


def test_an_exception_in_the_builder_after_validation_leaves_cdktf_out_intact(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from istio_mesh.stacks import policies

    before = tree_digest(project / "cdktf.out")
    built: list[str] = []
    real_init = policies.PoliciesStack.__init__

    def failing_init(self: Any, scope: Any, stack_id: str, **kwargs: Any) -> None:
        built.append(stack_id)
        if len(built) == 2:  # after the first config's stacks and the second's mesh stack
            raise RuntimeError("injected failure")
        real_init(self, scope, stack_id, **kwargs)

    monkeypatch.setattr(policies.PoliciesStack, "__init__", failing_init)
    with pytest.raises(RuntimeError, match="injected failure"):
        cli.main()
    assert built == ["ambient-policies", "dev-policies"]
    assert tree_digest(project / "cdktf.out") == before
    assert capsys.readouterr().err == "error: synthesis failed; cdktf.out was left as it was\n"
    assert hidden_leftovers(project) == []


def test_a_failure_after_cdktf_wrote_every_file_leaves_cdktf_out_intact(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree_digest(project / "cdktf.out")
    real_build = istio_mesh.app.build_app
    written: list[str] = []

    class SynthThenFail:
        def __init__(self, configs: Any, outdir: Path) -> None:
            self.app, self.outdir = real_build(configs, outdir=outdir), Path(outdir)

        def synth(self) -> None:
            self.app.synth()
            written.extend(sorted(tree_digest(self.outdir)))
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C at the last moment

    monkeypatch.setattr(istio_mesh.app, "build_app", SynthThenFail)
    with pytest.raises(KeyboardInterrupt):
        cli.main()
    assert "stacks/prod-mesh/cdk.tf.json" in written  # the new output was complete...
    assert tree_digest(project / "cdktf.out") == before  # ...and never replaced the old one
    assert hidden_leftovers(project) == []


def test_a_subset_synthesis_replaces_the_output_with_just_that_subset(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    monkeypatch.setenv("MESH_CONFIG", "config/staging.yaml")
    assert cli.main() == 0
    direct = synthesize({"staging": load_config("config/staging.yaml")},
                        tmp_path_factory.mktemp("direct"))
    assert without_marker(tree_digest(project / "cdktf.out")) == tree_digest(direct.outdir)
    assert sorted(p.name for p in (project / "cdktf.out" / "stacks").iterdir()) == [
        "staging-mesh", "staging-policies"]


def test_the_output_directory_the_cdktf_cli_names_is_respected(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDKTF_OUTDIR", str(project / "elsewhere" / "out"))
    monkeypatch.setenv("MESH_CONFIG", "config/dev.yaml")
    assert cli.main() == 0
    manifest = json.loads((project / "elsewhere" / "out" / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == ["dev-mesh", "dev-policies"]
    # Beside it only its lock, which stays (removing a lock file races with
    # the next synthesis that opens it).
    assert sorted(os.listdir(project / "elsewhere")) == [".out-lock", "out"]

"""The upgrade notes ``check`` prints for the files it checked: one block per
config that runs two Istio minors (or per move from an old file), labelled
with the file (and the cluster, for a fleet file); nothing when no config
moves. Checked on config files written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

from istio_mesh.lint.notes_report import upgrade_notes_report

XDS_NOTE = [
    "  1.30 [xds-debug-endpoints-authenticated] XDS debug endpoints need authentication",
    "    syncz and config_dump on istiod's plaintext XDS port 15010 now require authentication: "
    "`istioctl --plaintext` and custom tooling on that port stop working unless "
    "ENABLE_DEBUG_ENDPOINT_AUTH=false.",
    "    source: https://istio.io/latest/news/releases/1.30.x/announcing-1.30/upgrade-notes/"
    "#xds-debug-endpoints-now-require-authentication",
]

CANARY = ("environment: staging\nistio: {version: '1.30.3'}\n"
          "revisions: [{name: old, version: '1.29.9'}, {name: new}]\ndefaultRevision: new\n")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_config_on_one_minor_has_no_notes(tmp_path: Path) -> None:
    path = write(tmp_path, "dev.yaml", "environment: staging\nistio: {version: '1.30.3'}\n")
    assert upgrade_notes_report([path]) == ""


def test_a_canary_on_two_minors_prints_the_notes_of_its_move(tmp_path: Path) -> None:
    path = write(tmp_path, "canary.yaml", CANARY)
    assert upgrade_notes_report([path]).splitlines() == [
        f"upgrade notes for {path} (Istio 1.29 -> 1.30): 1", *XDS_NOTE]


def test_several_files_print_in_the_order_given_and_quiet_ones_print_nothing(tmp_path: Path) -> None:
    quiet = write(tmp_path, "quiet.yaml", "environment: staging\n")
    first = write(tmp_path, "b.yaml", CANARY)
    second = write(tmp_path, "a.yaml", CANARY)
    headings = [line for line in upgrade_notes_report([first, quiet, second]).splitlines()
                if line.startswith("upgrade notes")]
    assert headings == [f"upgrade notes for {first} (Istio 1.29 -> 1.30): 1",
                        f"upgrade notes for {second} (Istio 1.29 -> 1.30): 1"]


def test_a_move_from_an_old_file_is_labelled_with_both_files(tmp_path: Path) -> None:
    old = write(tmp_path, "before.yaml", "environment: staging\nistio: {version: '1.29.9'}\n")
    new = write(tmp_path, "after.yaml", "environment: staging\nistio: {version: '1.30.3'}\n")
    assert upgrade_notes_report([new], old=old).splitlines() == [
        f"upgrade notes for {old} -> {new} (Istio 1.29 -> 1.30): 1", *XDS_NOTE]


def test_a_move_to_an_older_or_the_same_minor_has_no_notes(tmp_path: Path) -> None:
    old = write(tmp_path, "before.yaml", "environment: staging\nistio: {version: '1.30.3'}\n")
    new = write(tmp_path, "after.yaml", "environment: staging\nistio: {version: '1.29.9'}\n")
    assert upgrade_notes_report([new], old=old) == ""
    assert upgrade_notes_report([old], old=old) == ""


def test_each_cluster_of_a_fleet_file_is_labelled_with_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, "fleets/two.yaml", (
        "meshes:\n  m:\n    shared:\n      environment: staging\n      ca: {mode: plugin}\n"
        "      multicluster: {network: net-1, rootCertSha256: "
        "3e982ecfb002b35af3a949545e9e8459e783bef142a7a289fa303345753ddb02}\n"
        "    clusters:\n"
        "      a:\n        connection: {context: a}\n        istio: {version: '1.30.3'}\n"
        "        revisions: [{name: old, version: '1.29.9'}, {name: new}]\n        defaultRevision: new\n"
        "      b:\n        connection: {context: b}\n"))
    assert upgrade_notes_report([path]).splitlines() == [
        f"upgrade notes for {path} [a] (Istio 1.29 -> 1.30): 1", *XDS_NOTE]

"""The exact text a user sees for each kind of bad config."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fleet_form import fleet_error_for, in_fleet
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import load_config, load_configs, parse_config, select_config_paths

from conftest import CONFIG_DIR, copy_shipped_configs, error_for



CASES = [
        pytest.param(
            "istiod: {replica: 3}",
            "config/prod.yaml: istiod.replica: unknown key; allowed keys: autoscaling, "
            "extraValues, placement, replicas, resources, spread (did you mean 'replicas'?)",
            id="unknown-key",
        ),
        pytest.param(
            "istiod: {replicas: three}",
            "config/prod.yaml: istiod.replicas: got 'three' (string); must be a valid "
            "integer, unable to parse string as an integer",
            id="wrong-type",
        ),
        pytest.param(
            "istiod: {replicas: 0}",
            "config/prod.yaml: istiod.replicas: got 0; allowed: 1 to 20",
            id="replicas-too-low",
        ),
        pytest.param(
            "gateways: [{name: gw, kind: ingress, replicas: 51}]",
            "config/prod.yaml: gateways[0].replicas: got 51; allowed: 1 to 50",
            id="gateway-replicas-too-high",
        ),
        pytest.param(
            "mtls: {mode: STRICTER}",
            "config/prod.yaml: mtls.mode: got 'STRICTER' (string); must be 'STRICT', "
            "'PERMISSIVE' or 'DISABLE'",
            id="mtls-mode",
        ),
        pytest.param(
            "mtls: {namespaceOverrides: {shop: OFF}}",
            "config/prod.yaml: mtls.namespaceOverrides.shop: got False (boolean); must be "
            "'STRICT', 'PERMISSIVE' or 'DISABLE' (YAML reads yes/no/on/off as booleans: put "
            "the value in quotes)",
            id="yaml-boolean-trap",
        ),
        pytest.param(
            "istiod:\n  replicas: 3\n    resources: {}\n",
            "config/prod.yaml: YAML syntax error at line 3, column 14: mapping values are "
            "not allowed here",
            id="yaml-syntax",
        ),
        pytest.param(
            "istiod: {replicas: 2}\nistiod: {replicas: 3}\n",
            "config/prod.yaml: YAML syntax error at line 2, column 1: duplicate key 'istiod' "
            "(first at line 1)",
            id="duplicate-key",
        ),
        pytest.param(
            "",
            "config/prod.yaml: file is empty; expected a mapping of settings such as 'istiod:'",
            id="empty-file",
        ),
        pytest.param(
            "# nothing but a comment\n",
            "config/prod.yaml: file is empty; expected a mapping of settings such as 'istiod:'",
            id="comment-only",
        ),
        pytest.param(
            "- istiod\n",
            "config/prod.yaml: expected a mapping of settings at the top level, got a list",
            id="not-a-mapping",
        ),
        pytest.param(
            "istio: {version: 1.30}",
            "config/prod.yaml: istio.version: got 1.3 (number); must be a string: put it in quotes",
            id="unquoted-version",
        ),
        pytest.param(
            "istio: {version: '1.22.4'}",
            "config/prod.yaml: istio.version: got '1.22.4'; Istio 1.22.4 is not supported; "
            "use 1.24.0 or newer",
            id="old-version",
        ),
        pytest.param(
            "istio: {chartRepository: 'ftp://mirror'}",
            "config/prod.yaml: istio.chartRepository: got 'ftp://mirror'; must be an "
            "https://, http:// or oci:// URL",
            id="repository-scheme",
        ),
        pytest.param(
            "connection: {mode: token}",
            "config/prod.yaml: connection.mode: got 'token'; allowed: 'kubeconfig', 'variables', 'exec'",
            id="connection-mode",
        ),
        pytest.param(
            "connection: {mode: variables, token: abc}",
            "config/prod.yaml: connection.token: unknown key; allowed keys: mode",
            id="no-token-in-config",
        ),
        pytest.param(
            "gateways: [{name: Public_GW, kind: ingress}]",
            "config/prod.yaml: gateways[0].name: got 'Public_GW'; must be a DNS-1123 label: "
            "lowercase letters, digits and '-', starting and ending with a letter or digit, "
            "at most 63 characters",
            id="gateway-name",
        ),
        pytest.param(
            "gateways: [{name: gw, kind: sideways}]",
            "config/prod.yaml: gateways[0].kind: got 'sideways' (string); must be 'ingress', "
            "'egress' or 'eastwest'",
            id="gateway-kind",
        ),
        pytest.param(
            "gateways: [{name: gw, kind: ingress, replicas: 4, autoscaling: {maxReplicas: 3}}]",
            "config/prod.yaml: gateways[0].autoscaling.maxReplicas: 3 is below replicas (4); "
            "the autoscaler ceiling must be at least the floor",
            id="ceiling-below-floor",
        ),
        pytest.param(
            "gateways: [{name: gw, kind: ingress}, {name: gw, kind: egress}]",
            "config/prod.yaml: gateways[1].name: 'gw' is used more than once; names must be unique",
            id="duplicate-gateway",
        ),
        pytest.param(
            "gateways: [{name: gw, kind: ingress, namespace: istio-system}]",
            "config/prod.yaml: gateways[0].namespace: 'istio-system' is istiod's namespace; "
            "Istio recommends a separate namespace per gateway",
            id="gateway-in-istio-namespace",
        ),
        pytest.param(
            "gateways: [{name: gw, kind: ingress, resources: {requests: {memory: 2Gi}}}]",
            "config/prod.yaml: gateways[0].resources.requests.memory: '2Gi' is above the "
            "chart's default limit '1024Mi'; lower the request or set limits.memory",
            id="request-above-chart-limit",
        ),
        pytest.param(
            "istiod: {resources: {requests: {cpu: '2'}, limits: {cpu: 1500m}}}",
            "config/prod.yaml: istiod.resources.requests.cpu: '2' is above the limit '1500m'; "
            "lower the request or set limits.cpu",
            id="request-above-limit",
        ),
        pytest.param(
            "istiod: {resources: {requests: {memory: lots}}}",
            "config/prod.yaml: istiod.resources.requests.memory: got 'lots'; must be a "
            "Kubernetes quantity such as '500m', '1', '256Mi' or '2Gi'",
            id="bad-quantity",
        ),
        pytest.param(
            "namespaces: [{name: kube-system}]",
            "config/prod.yaml: namespaces[0].name: 'kube-system' runs system or control-plane "
            "pods and cannot be onboarded; allowed: application namespaces",
            id="system-namespace",
        ),
        pytest.param(
            "namespaces: [{name: shop, labels: {team: a}}]",
            "config/prod.yaml: namespaces[0].labels: labels are only set on namespaces this "
            "stack creates; set create: true or remove labels",
            id="labels-without-create",
        ),
        pytest.param(
            "namespaces: [{name: shop, create: true, labels: {istio-injection: disabled}}]",
            "config/prod.yaml: namespaces[0].labels.istio-injection: is managed by this stack; "
            "use dataplane, injection, revision or waypoint",
            id="injection-label-by-hand",
        ),
        pytest.param(
            "namespaces: [{name: shop}, {name: shop}]",
            "config/prod.yaml: namespaces[1].name: 'shop' is used more than once; names must "
            "be unique",
            id="duplicate-namespace",
        ),
        pytest.param(
            "mtls: {namespaceOverrides: {istio-system: DISABLE}}",
            "config/prod.yaml: mtls.namespaceOverrides.istio-system: 'istio-system' is a "
            "system namespace; the mesh-wide mode is mtls.mode",
            id="override-root-namespace",
        ),
        pytest.param(
            "helm: {timeoutSeconds: 10}",
            "config/prod.yaml: helm.timeoutSeconds: got 10; allowed: 60 to 3600",
            id="timeout-too-short",
        ),
    ]

# Cases about the file as a whole; in a fleet the cluster's settings are one
# entry of the fleet, so an empty entry is allowed (the shared settings) and a
# non-mapping entry is refused by the fleet schema.
WHOLE_FILE_ONLY = {"empty-file", "comment-only", "not-a-mapping"}



@pytest.mark.parametrize(("text", "message"), CASES)
def test_error_text(text: str, message: str) -> None:
    assert error_for(text) == message


@pytest.mark.parametrize(("text", "message"), [c for c in CASES if c.id not in WHOLE_FILE_ONLY])
def test_error_text_in_a_fleet_cluster(tmp_path: Path, text: str, message: str) -> None:
    assert fleet_error_for(tmp_path, text) == in_fleet(message)


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    message = error_for("istiod: {replicas: 0}\nmtls: {mode: NOPE}\n")
    assert message.splitlines() == [
        "config/prod.yaml: istiod.replicas: got 0; allowed: 1 to 20",
        "config/prod.yaml: mtls.mode: got 'NOPE' (string); must be 'STRICT', 'PERMISSIVE' "
        "or 'DISABLE'",
    ]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: file not found"


def test_file_name_must_make_a_stack_name(tmp_path: Path) -> None:
    path = tmp_path / "Prod_EU.yaml"
    path.write_text("{}")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}: file name 'Prod_EU' cannot name stacks; use lowercase letters, digits "
        "and '-' (at most 42), e.g. prod.yaml"
    )


def test_same_stem_in_two_folders_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "prod.yaml").write_text("{}")
    with pytest.raises(ConfigError) as caught:
        load_configs([tmp_path / "a" / "prod.yaml", tmp_path / "b" / "prod.yaml"])
    assert str(caught.value) == (
        f"{tmp_path / 'b' / 'prod.yaml'}: same file name as {tmp_path / 'a' / 'prod.yaml'}; "
        "stack names would collide"
    )


def test_problems_of_several_files_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("istiod: {replicas: 0}")
    (tmp_path / "b.yaml").write_text("")
    with pytest.raises(ConfigError) as caught:
        load_configs([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert str(caught.value).splitlines() == [
        f"{tmp_path / 'a.yaml'}: istiod.replicas: got 0; allowed: 1 to 20",
        f"{tmp_path / 'b.yaml'}: file is empty; expected a mapping of settings such as 'istiod:'",
    ]


def test_selection_defaults_to_every_yaml_in_config(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yaml", "notes.txt"):
        (tmp_path / name).write_text("{}")
    assert select_config_paths(None, tmp_path) == [tmp_path / "a.yaml", tmp_path / "b.yaml"]


def test_selection_defaults_include_fleet_files_but_no_other_folder(tmp_path: Path) -> None:
    for name in ("prod.yaml", "fleets/west.yaml", "fleets/east.yaml", "examples/step-1.yaml",
                 "fleets/deeper/x.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    assert select_config_paths(None, tmp_path) == [
        tmp_path / "prod.yaml", tmp_path / "fleets" / "east.yaml", tmp_path / "fleets" / "west.yaml"]


def test_selection_of_an_empty_config_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        select_config_paths(None, tmp_path)
    assert str(caught.value) == f"{tmp_path}: no *.yaml config files found (nor fleets/*.yaml)"


def test_default_selection_of_the_shipped_config_folder_loads_every_cluster(tmp_path: Path) -> None:
    configs = load_configs(select_config_paths(None, copy_shipped_configs(tmp_path) / "config"))
    # Cluster files by stem, fleet clusters by name: eight clusters, sixteen stacks.
    assert sorted(configs) == ["ambient", "central", "dev", "east", "edge", "prod", "staging", "west"]


def test_default_selection_still_refuses_a_fleet_cluster_named_like_a_cluster_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "fleets").mkdir()
    shutil.copy(CONFIG_DIR / "fleets" / "multi-primary.yaml", tmp_path / "fleets")
    shutil.copy(CONFIG_DIR / "dev.yaml", tmp_path / "east.yaml")
    with pytest.raises(ConfigError) as caught:
        load_configs(select_config_paths(None, tmp_path))
    fleet = tmp_path / "fleets" / "multi-primary.yaml"
    assert str(caught.value) == (
        f"{fleet}: cluster 'east' is also defined by {tmp_path / 'east.yaml'}; stack names would collide")


def test_selection_by_path_glob_and_list(tmp_path: Path) -> None:
    for name in ("prod-eu.yaml", "prod-us.yaml", "dev.yaml"):
        (tmp_path / name).write_text("{}")
    assert select_config_paths(f"{tmp_path}/prod-*.yaml", tmp_path) == [
        tmp_path / "prod-eu.yaml", tmp_path / "prod-us.yaml"]
    assert select_config_paths(f"{tmp_path}/dev.yaml,{tmp_path}/prod-eu.yaml", tmp_path) == [
        tmp_path / "dev.yaml", tmp_path / "prod-eu.yaml"]


def test_a_glob_matching_nothing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        select_config_paths(f"{tmp_path}/prdo-*.yaml", tmp_path)
    assert str(caught.value) == f"{tmp_path}/prdo-*.yaml: MESH_CONFIG glob matches no file"


def test_default_selection_still_refuses_a_fleet_cluster_sharing_a_file_clusters_state(
    tmp_path: Path,
) -> None:
    backend = "backend: {type: cloud, organization: acme, workspaces: {mesh: istio}}\n"
    (tmp_path / "eu.yaml").write_text(backend + "connection: {mode: variables}\n")
    (tmp_path / "fleets").mkdir()
    (tmp_path / "fleets" / "f.yaml").write_text(
        "meshes:\n  m:\n    shared:\n"
        "      backend: {type: cloud, organization: acme, workspaces: {mesh: istio}}\n"
        "      connection: {mode: variables}\n"
        "    clusters: {us: {multicluster: {network: n1}}}\n")
    with pytest.raises(ConfigError) as caught:
        load_configs(select_config_paths(None, tmp_path))
    assert str(caught.value) == (
        f"{tmp_path / 'fleets' / 'f.yaml'}: backend: us-mesh keeps its state in HCP Terraform "
        f"workspace app.terraform.io/acme/istio, as eu-mesh ({tmp_path / 'eu.yaml'}) does; "
        "every stack needs its own"
    )


# A file name is printed escaped when it holds a line break or another
# control character: every problem stays on one line, naming its file.
ODD_NAMES = ["bad\nname.yaml", "bad\rname.yaml", "bad\x1b[31mname.yaml", "bad\tname.yaml", "bad\u2028name.yaml"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_a_file_name_with_a_control_character_is_escaped_in_every_message(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("istiod: {replicas: 0}\n")
    with pytest.raises(ConfigError) as caught:
        load_configs([path])
    message = str(caught.value)
    assert len(message.splitlines()) == 1, message
    assert message.startswith(ascii(str(path)) + ": "), message
    assert not any(c in message for c in "\n\r\x1b\t")


def test_a_colliding_file_name_is_escaped_too(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b\nc").mkdir()
    first, second = tmp_path / "b\nc" / "dev.yaml", tmp_path / "a" / "dev.yaml"
    shutil.copy(CONFIG_DIR / "dev.yaml", first)
    shutil.copy(CONFIG_DIR / "dev.yaml", second)
    with pytest.raises(ConfigError) as caught:
        load_configs([first, second])
    (line,) = str(caught.value).splitlines()
    assert line == f"{second}: same file name as {ascii(str(first))}; stack names would collide"


def test_a_plain_file_name_is_printed_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "prod-é.yaml"
    path.write_text("istiod: {replicas: 0}\n")
    with pytest.raises(ConfigError) as caught:
        load_configs([path])
    assert str(caught.value).startswith(f"{path}: ")

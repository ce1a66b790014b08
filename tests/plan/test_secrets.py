"""Secrets the mesh stack writes from Terraform variables
(istio_mesh.plan.secrets): the plug-in CA's ``cacerts`` and a primary's
remote secrets, as variable names and Terraform expressions only. This file
checks each secret's name, namespace, data expressions, variables and
validation, and that no multicluster section means no remote secrets."""

from __future__ import annotations

from conftest import CONFIG_DIR, config_from
from istio_mesh.config.fleet import load_fleet
from istio_mesh.plan.items import Variable
from istio_mesh.plan.secrets import plugin_ca_secret, remote_secrets, root_cert_validation

FLEET = load_fleet(CONFIG_DIR / "fleets" / "primary-remote.yaml")
"""central: primary with a plug-in CA and a root fingerprint, watching edge (remote)."""

FINGERPRINT = "3e982ecfb002b35af3a949545e9e8459e783bef142a7a289fa303345753ddb02"


def test_the_cacerts_secret_is_fed_from_four_variables_named_after_istiods_files() -> None:
    secret = plugin_ca_secret(config_from("ca: {mode: plugin}"), after=("helm_release.istio-base",))
    assert (secret.name, secret.secret_name, secret.namespace) == ("cacerts", "cacerts", "istio-system")
    assert secret.data == {"ca-cert.pem": "${var.istio_ca_cert}", "ca-key.pem": "${var.istio_ca_key}",
                           "root-cert.pem": "${var.istio_root_cert}", "cert-chain.pem": "${var.istio_cert_chain}"}
    assert [v.name for v in secret.variables] == ["istio_ca_cert", "istio_ca_key", "istio_root_cert",
                                                 "istio_cert_chain"]
    assert secret.after == ("helm_release.istio-base",)
    assert secret.revision == 1


def test_without_a_mesh_fingerprint_no_variable_is_validated() -> None:
    secret = plugin_ca_secret(config_from("ca: {mode: plugin}"), after=())
    assert all(v.validation is None for v in secret.variables)


def test_in_a_multicluster_mesh_only_the_root_variable_checks_the_fingerprint() -> None:
    secret = plugin_ca_secret(FLEET["central"], after=())
    validated = {v.name: v.validation for v in secret.variables if v.validation is not None}
    assert validated == {"istio_root_cert": {
        "condition": f'${{sha256(trimspace(var.istio_root_cert)) == "{FINGERPRINT}"}}',
        "error_message": (f"The root certificate is not the mesh's shared root (multicluster.rootCertSha256 "
                          f"is {FINGERPRINT}); every cluster of the mesh must trust the same root CA."),
    }}


def test_the_cacerts_revision_follows_the_config() -> None:
    assert plugin_ca_secret(config_from("ca: {mode: plugin, revision: 4}"), after=()).revision == 4


def test_the_root_cert_validation_names_the_variable_and_fingerprint() -> None:
    assert root_cert_validation("x", "ab")["condition"] == '${sha256(trimspace(var.x)) == "ab"}'


def test_a_primary_writes_one_remote_secret_per_watched_cluster() -> None:
    [secret] = remote_secrets(FLEET["central"], after=("helm_release.istio-base",))
    assert (secret.name, secret.secret_name, secret.namespace) == (
        "istio_remote_secret_edge", "istio-remote-secret-edge", "istio-system")
    assert secret.labels == {"istio/multiCluster": "true"}
    assert secret.annotations == {"networking.istio.io/cluster": "edge"}
    assert secret.variables == (
        Variable("remote_edge_api_server",
                 "Cluster edge: https URL of the cluster's API server, as istiod in this cluster reaches it."),
        Variable("remote_edge_ca_certificate",
                 "Cluster edge: PEM certificate of the CA that signed that API server's certificate."),
        Variable("remote_edge_token",
                 "Cluster edge: Token of a service account there with Istio's reader role "
                 "(istio-reader-service-account)."),
    )
    assert secret.after == ("helm_release.istio-base",)


def test_a_remote_secrets_data_is_a_kubeconfig_expression_over_the_variables_only() -> None:
    [secret] = remote_secrets(FLEET["central"], after=())
    [(key, expression)] = secret.data.items()
    assert key == "edge"
    assert expression.startswith("${jsonencode({apiVersion = \"v1\", kind = \"Config\"")
    for variable in ("var.remote_edge_api_server", "base64encode(var.remote_edge_ca_certificate)",
                     "token = var.remote_edge_token"):
        assert variable in expression


def test_a_cluster_without_multicluster_has_no_remote_secrets() -> None:
    assert remote_secrets(config_from("{}"), after=()) == []


def test_a_remote_cluster_watches_no_one() -> None:
    assert remote_secrets(FLEET["edge"], after=()) == []

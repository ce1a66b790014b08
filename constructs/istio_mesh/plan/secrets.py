"""Secrets the mesh stack writes from Terraform variables: the plug-in CA's
``cacerts`` and a multicluster primary's remote secrets.

Only variable names and Terraform expressions live here; the values arrive
at apply time through ephemeral, sensitive variables written to write-only
attributes, so no credential is ever in Python, the synthesized JSON, the
plan or the state.
"""

from __future__ import annotations

from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.multicluster import remote_variable_prefix
from istio_mesh.plan.items import SecretItem, Variable
from istio_mesh.manifests.remote_secrets import (
    REMOTE_SECRET_LABELS,
    remote_kubeconfig_expression,
    remote_secret_name,
)

CACERTS_SECRET = "cacerts"

CA_VARIABLES: dict[str, tuple[str, str]] = {
    "ca-cert.pem": ("istio_ca_cert", "PEM certificate of the intermediate CA istiod signs with."),
    "ca-key.pem": ("istio_ca_key", "PEM private key of that intermediate CA."),
    "root-cert.pem": ("istio_root_cert", "PEM certificate of the root CA every workload trusts."),
    "cert-chain.pem": ("istio_cert_chain", "PEM chain from the intermediate CA up to the root."),
}
"""Secret key -> (Terraform variable, what to put in it). The keys are the
file names istiod reads from /etc/cacerts."""

REMOTE_VARIABLES: dict[str, str] = {
    "api_server": "https URL of the cluster's API server, as istiod in this cluster reaches it.",
    "ca_certificate": "PEM certificate of the CA that signed that API server's certificate.",
    "token": "Token of a service account there with Istio's reader role (istio-reader-service-account).",
}
"""Remote-secret variable suffix -> what to put in it."""


def root_cert_validation(variable: str, fingerprint: str) -> dict[str, str]:
    """A variable ``validation`` block: the root certificate's SHA-256 (of the
    PEM without surrounding whitespace) must be the mesh's."""
    return {
        "condition": f'${{sha256(trimspace(var.{variable})) == "{fingerprint}"}}',
        "error_message": (
            f"The root certificate is not the mesh's shared root (multicluster.rootCertSha256 "
            f"is {fingerprint}); every cluster of the mesh must trust the same root CA."
        ),
    }


def plugin_ca_secret(config: MeshConfig, *, after: tuple[str, ...]) -> SecretItem:
    """The ``cacerts`` secret in istiod's namespace.

    istiod signs with the secret's CA only if the secret exists when it
    starts (otherwise it creates a self-signed root and keeps using it), so
    istiod comes after it. In a multicluster mesh the root variable checks
    the mesh's fingerprint, so a cluster fed another root fails at plan time
    instead of as mTLS errors between clusters at runtime.
    """
    fingerprint = config.multicluster.root_cert_sha256 if config.multicluster else None
    variables = tuple(
        Variable(
            name,
            description,
            root_cert_validation(name, fingerprint)
            if fingerprint is not None and key == "root-cert.pem"
            else None,
        )
        for key, (name, description) in CA_VARIABLES.items()
    )
    return SecretItem(
        name=CACERTS_SECRET,
        secret_name=CACERTS_SECRET,
        namespace=config.istio_namespace,
        data={key: f"${{var.{name}}}" for key, (name, _) in CA_VARIABLES.items()},
        revision=config.ca.revision,
        variables=variables,
        after=after,
    )


def remote_secrets(config: MeshConfig, *, after: tuple[str, ...]) -> list[SecretItem]:
    """One secret per watched cluster, in the format ``istioctl
    create-remote-secret`` writes; istiod watches for them at runtime, so
    they need not exist before it. A new token needs a higher
    ``multicluster.secretsRevision``."""
    mc = config.multicluster
    if mc is None:
        return []
    items = []
    for cluster in mc.remote_secrets:
        prefix = remote_variable_prefix(cluster)
        items.append(
            SecretItem(
                name=remote_secret_name(cluster).replace("-", "_"),
                secret_name=remote_secret_name(cluster),
                namespace=config.istio_namespace,
                data={cluster: remote_kubeconfig_expression(cluster, prefix)},
                revision=mc.secrets_revision,
                variables=tuple(
                    Variable(f"{prefix}_{suffix}", f"Cluster {cluster}: {description}")
                    for suffix, description in REMOTE_VARIABLES.items()
                ),
                labels=dict(REMOTE_SECRET_LABELS),
                annotations={"networking.istio.io/cluster": cluster},
                after=after,
            )
        )
    return items

"""The plug-in CA: Istio's ``cacerts`` secret from sensitive Terraform variables."""

from __future__ import annotations

from istio_mesh.components.base import IstioBase
from istio_mesh.config.models import MeshConfig
from istio_mesh.terraform import Construct, SecretV1, SecretV1Metadata, TerraformVariable

CACERTS_SECRET = "cacerts"

# Secret key -> (Terraform variable, what to put in it). The keys are the file
# names istiod reads from /etc/cacerts.
CA_VARIABLES: dict[str, tuple[str, str]] = {
    "ca-cert.pem": ("istio_ca_cert", "PEM certificate of the intermediate CA istiod signs with."),
    "ca-key.pem": ("istio_ca_key", "PEM private key of that intermediate CA."),
    "root-cert.pem": ("istio_root_cert", "PEM certificate of the root CA every workload trusts."),
    "cert-chain.pem": ("istio_cert_chain", "PEM chain from the intermediate CA up to the root."),
}


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


class PluginCaCerts(Construct):
    """The ``cacerts`` secret in istiod's namespace, created before istiod.

    istiod signs with the secret's CA only if the secret exists when it
    starts (otherwise it creates a self-signed root and keeps using it), so
    the istiod release depends on this construct, which follows ``base``: the
    base release creates the namespace.

    The four values come from ephemeral, sensitive variables written to the
    secret's write-only ``data_wo``: the CA key is neither in the synthesized
    JSON nor in the plan or state (Terraform >= 1.11). Terraform cannot see a
    changed write-only value, so rotating means new variable values and a
    higher ``ca.revision``.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, config: MeshConfig, base: IstioBase
    ) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.variables: dict[str, TerraformVariable] = {}
        for key, (name, description) in CA_VARIABLES.items():
            variable = TerraformVariable(
                self, name, type="string", sensitive=True, nullable=False, description=description
            )
            variable.override_logical_id(name)
            # cdktf 0.21 predates ephemeral variables (Terraform 1.10); write it raw.
            variable.add_override("ephemeral", True)
            self.variables[key] = variable
        fingerprint = config.multicluster.root_cert_sha256 if config.multicluster else None
        if fingerprint is not None:
            # Every cluster of a multicluster mesh must trust the same root; a
            # different root fails at plan time here instead of as mTLS errors
            # between clusters at runtime.
            root = CA_VARIABLES["root-cert.pem"][0]
            self.variables["root-cert.pem"].add_override(
                "validation",
                [root_cert_validation(root, fingerprint)],
            )
        self.secret = SecretV1(
            self,
            "secret",
            metadata=SecretV1Metadata(name=CACERTS_SECRET, namespace=config.istio_namespace),
            type="Opaque",
            data_wo={key: variable.string_value for key, variable in self.variables.items()},
            data_wo_revision=config.ca.revision,
            depends_on=[base.release],
        )
        self.secret.override_logical_id(CACERTS_SECRET)

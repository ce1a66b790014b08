"""Remote secrets: how istiod in one cluster reaches another's API server."""

from __future__ import annotations

REMOTE_SECRET_LABELS = {"istio/multiCluster": "true"}


def remote_secret_name(cluster: str) -> str:
    """The name ``istioctl create-remote-secret`` gives it."""
    return f"istio-remote-secret-{cluster}"


def remote_kubeconfig_expression(cluster: str, variable_prefix: str) -> str:
    """A Terraform template that builds the kubeconfig from variables.

    JSON is YAML, so ``jsonencode`` of the kubeconfig object is a kubeconfig
    istiod can read; built in Terraform, the credentials never pass through
    Python or the synthesized JSON, which holds only ``var.`` references.
    """
    var = f"var.{variable_prefix}"
    return (
        "${jsonencode({"
        'apiVersion = "v1", kind = "Config", '
        f'clusters = [{{name = "{cluster}", cluster = {{server = {var}_api_server, '
        f'"certificate-authority-data" = base64encode({var}_ca_certificate)}}}}], '
        f'users = [{{name = "{cluster}", user = {{token = {var}_token}}}}], '
        f'contexts = [{{name = "{cluster}", context = {{cluster = "{cluster}", user = "{cluster}"}}}}], '
        f'"current-context" = "{cluster}"'
        "})}"
    )

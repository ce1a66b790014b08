"""Credentials never leave the config: no URL field may carry one.

A URL with a user and password (``https://user:pass@host``), a token in the
user part (``https://TOKEN@host``) or a token-like query parameter
(``?private_token=...``, a presigned URL's signature) would be written into
every synthesized stack and exported Application, and from there into Git
and Terraform state. Such a URL is refused, and the message shows it with
the secret parts replaced by ``***`` (:func:`redacted`, which
:func:`istio_mesh.config.names.shown` applies to every value a message
echoes).
"""

from __future__ import annotations

import re

from istio_mesh.config.errors import RuleViolation

HIDDEN = "***"

ARGOCD_FIX = (
    "give the plain URL and register the credentials with Argo CD as a Secret labelled "
    "argocd.argoproj.io/secret-type: repository (one repository) or repo-creds (every URL "
    "under a prefix), or use its SSH key or a credential helper"
)
"""What to do instead, for the URLs Argo CD clones or pulls charts from."""

CLUSTER_FIX = (
    "give the plain URL and register the cluster with Argo CD (argocd cluster add, or a Secret "
    "labelled argocd.argoproj.io/secret-type: cluster, which holds its credentials)"
)
"""What to do instead, for the API server Argo CD installs into."""

SECRET_FIX = (
    "give the plain address and keep the credentials in a Kubernetes Secret the component reads"
)
"""What to do instead, for the addresses a mesh component connects to."""

# scheme://userinfo@ : everything between '//' and the first '@' of the
# authority (no '/', '?', '#' or blank before it).
_SCHEME_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#@\s]+)@", re.ASCII)
# user:password@host without a scheme (a host:port field, an scp-like URL).
_BARE_PASSWORD = re.compile(r"(?P<user>(?<![^\s/'\"])[^\s/:@'\"]+):(?P<password>[^\s/@'\"]+)@", re.ASCII)
# A query or fragment parameter: ?name=value, &name=value, ;name=value, #name=value.
_PARAMETER = re.compile(r"(?P<lead>[?&;#])(?P<name>[^=&;#\s]+)=(?P<value>[^&;#\s'\"]*)", re.ASCII)
_SECRET_WORDS = frozenset({
    "token", "secret", "password", "passwd", "pwd", "signature", "sig", "credential",
    "credentials", "key", "apikey", "auth", "authorization", "sas", "jwt", "session",
})


def _secret_parameter(name: str) -> bool:
    """``access_token``, ``private_token``, ``X-Amz-Signature``, ``sig``,
    ``api_key``, ``client_secret``...: the name's last word is a secret's."""
    words = [w for w in re.split(r"[-_.]", name.lower()) if w]
    return bool(words) and (words[-1] in _SECRET_WORDS or "".join(words) in _SECRET_WORDS)


def credential_in_url(value: str, *, ssh_user: bool = False) -> str | None:
    """What in ``value`` is a credential, in words, or None.

    ``ssh_user`` accepts a user name alone in an ``ssh://`` URL
    (``ssh://git@host/repo``): SSH authenticates with a key, the name is no
    secret. A password beside it still is.
    """
    for match in _SCHEME_USERINFO.finditer(value):
        userinfo = match["userinfo"]
        if ssh_user and match["scheme"].lower() == "ssh://" and ":" not in userinfo:
            continue
        return "a user and password" if ":" in userinfo else "a user name or token before '@'"
    if _BARE_PASSWORD.search(value):
        return "a user and password"
    for match in _PARAMETER.finditer(value):
        if _secret_parameter(match["name"]):
            return f"the query parameter {match['name']!a}"
    return None


def redacted(text: str) -> str:
    """``text`` with every credential of a URL in it replaced by ``***``:
    user info, ``user:password@``, and the values of token-like parameters."""
    if "@" not in text and "=" not in text:
        return text
    text = _SCHEME_USERINFO.sub(lambda m: f"{m['scheme']}{HIDDEN}@", text)
    text = _BARE_PASSWORD.sub(lambda m: f"{HIDDEN}@", text)
    return _PARAMETER.sub(
        lambda m: f"{m['lead']}{m['name']}={HIDDEN}" if _secret_parameter(m["name"]) else m[0], text
    )


def refuse_credentials(value: str, *, fix: str = ARGOCD_FIX, ssh_user: bool = False) -> str:
    """A field validator: ``value`` unchanged, or a refusal that shows it
    with the credential redacted and says what to do instead. Runs before a
    field's format check, whose message would echo the value."""
    found = credential_in_url(value, ssh_user=ssh_user)
    if found is None:
        return value
    shown = ascii(redacted(value))
    if len(shown) > 120:
        shown = shown[:117] + "..."
    raise RuleViolation(
        (),
        f"got {shown} (redacted), which carries {found}; a credential here would be written "
        f"into every synthesized and exported file; {fix}",
    )


def refuse_cluster_credentials(value: str) -> str:
    """:func:`refuse_credentials` for the API server URL of an Argo CD destination."""
    return refuse_credentials(value, fix=CLUSTER_FIX)


def refuse_address_credentials(value: str) -> str:
    """:func:`refuse_credentials` for an address a mesh component connects to."""
    return refuse_credentials(value, fix=SECRET_FIX)


__all__ = [
    "ARGOCD_FIX",
    "CLUSTER_FIX",
    "SECRET_FIX",
    "credential_in_url",
    "redacted",
    "refuse_address_credentials",
    "refuse_cluster_credentials",
    "refuse_credentials",
]

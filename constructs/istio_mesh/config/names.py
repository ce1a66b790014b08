"""The one vocabulary of names and amounts, with Kubernetes' own rules.

Every name a config holds ends up in a Kubernetes object, a Helm release or a
Terraform address, so each is checked here the way the API server would
check it, and nowhere else. Three rules hold for every pattern:

- whole-string matches only (``re.fullmatch``): a pattern ending in ``$``
  also matches before a final line break, so ``"istiod\\n"`` would pass;
- ASCII only (``re.ASCII``, ``[0-9]`` rather than ``\\d``): ``\\d`` matches
  fullwidth and Arabic-Indic digits, which Kubernetes refuses;
- lengths as in Kubernetes' ``apimachinery/pkg/util/validation``: a DNS label
  at most 63 characters, a subdomain at most 253, a label value at most 63, a
  qualified key's prefix at most 253 and its name at most 63.

The validators raise ``ValueError`` with what is allowed; the caller's
message shows the value with :func:`shown`, escaped so that a homoglyph or a
control character is visible and the message stays on one line.
"""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal
from typing import Any

from istio_mesh.config.url_credentials import redacted


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.ASCII)


def shown(value: Any, limit: int = 80) -> str:
    """``ascii(value)``, cut short: one line, and every non-ASCII character
    spelt as an escape, so a Cyrillic ``а`` never passes for a Latin ``a``.
    A credential in a URL is shown as ``***``: no message prints one back."""
    text = redacted(ascii(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


_LABEL = r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?"
DNS_LABEL = _pattern(_LABEL)
DNS_SUBDOMAIN = _pattern(rf"{_LABEL}(?:\.{_LABEL})*")
_QUALIFIED_NAME = _pattern(r"[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
_LABEL_VALUE = _pattern(r"(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?")
MESH_ID = _pattern(r"[a-z0-9](?:[-a-z0-9.]{0,61}[a-z0-9])?")
VERSION = _pattern(r"(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})")
HOST_NAME = _pattern(rf"(?:\*\.)?{_LABEL}(?:\.{_LABEL})*")


def is_dns_label(value: str) -> bool:
    """A namespace, release or Service name (RFC 1123 label, at most 63)."""
    return DNS_LABEL.fullmatch(value) is not None


def is_dns_subdomain(value: str) -> bool:
    """Most object names (RFC 1123 subdomain, at most 253)."""
    return len(value) <= 253 and DNS_SUBDOMAIN.fullmatch(value) is not None


def dns_label(value: str) -> str:
    if not is_dns_label(value):
        raise ValueError(
            "must be a DNS-1123 label: lowercase letters, digits and '-', "
            "starting and ending with a letter or digit, at most 63 characters"
        )
    return value


def dns_subdomain(value: str) -> str:
    if not is_dns_subdomain(value):
        raise ValueError(
            "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', "
            "at most 253 characters"
        )
    return value


def label_key_problem(key: str) -> str | None:
    """Why ``key`` is not a label or annotation key (``[prefix/]name``), or None."""
    prefix, slash, name = key.rpartition("/")
    if slash and not is_dns_subdomain(prefix):
        return "the prefix before '/' must be a DNS-1123 subdomain of at most 253 characters"
    if not _QUALIFIED_NAME.fullmatch(name):
        return (
            "the name must be at most 63 letters, digits, '-', '_' or '.', "
            "starting and ending with a letter or digit"
        )
    return None


def label_value_problem(value: str) -> str | None:
    """Why ``value`` is not a label value, or None."""
    if not _LABEL_VALUE.fullmatch(value):
        return (
            "a label value must be empty or at most 63 letters, digits, '-', '_' or '.', "
            "starting and ending with a letter or digit"
        )
    return None


def printable(value: str) -> str:
    """Free text that is written into output or printed back (a kubeconfig
    context, a waiver's reason): no control characters, so it cannot spill
    a message over two lines or hide part of itself."""
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in value):
        raise ValueError("must not contain control characters or line breaks")
    return value


ANNOTATIONS_MAX_BYTES = 256 * 1024
"""Kubernetes' limit on the total size of an object's annotations."""


def port(value: int) -> int:
    if isinstance(value, bool) or not 1 <= value <= 65535:
        raise ValueError("must be a port number from 1 to 65535")
    return value


def mesh_id(value: str) -> str:
    if not MESH_ID.fullmatch(value):
        raise ValueError(
            "must be lowercase letters, digits, '-' and '.', starting and ending with a "
            "letter or digit (at most 63), e.g. 'mesh1'"
        )
    return value


def parse_version(value: str) -> tuple[int, int, int]:
    """``"1.30.3"`` -> ``(1, 30, 3)``; anything else (a leading ``v``, a
    fullwidth digit, a trailing line break) is a ValueError naming the form."""
    match = VERSION.fullmatch(value)
    if not match:
        raise ValueError("must be a release version such as '1.30.3'")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def host_name(value: str) -> str:
    """A DNS name, optionally ``*.``-prefixed, at most 253 characters."""
    if len(value) > 253 or not HOST_NAME.fullmatch(value):
        raise ValueError(
            "must be a DNS name of lowercase letters, digits, '-' and '.', optionally "
            "starting with '*.', at most 253 characters"
        )
    return value


def address(value: str) -> str:
    """A host name or an IP address, without scheme or port."""
    if is_dns_subdomain(value):
        return value
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(
            "must be a host name or IP address (no scheme, no port), e.g. "
            "'eastwest.primary.example.com' or '203.0.113.10'"
        ) from None
    if not value.isascii():
        raise ValueError("must be a host name or IP address written in ASCII")
    return value


# Kubernetes resource.Quantity (apimachinery/pkg/api/resource/quantity.go):
#   <quantity> ::= <signedNumber><suffix>
#   <number>   ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
#   <suffix>   ::= <binarySI> | <decimalExponent> | <decimalSI>
# Signs are refused (a negative request is refused by the API server; "+" has
# no use) and so are the exa suffixes and large exponents: no container asks
# for exabytes, and a huge exponent would only overflow arithmetic later.
_QUANTITY = _pattern(
    r"(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE](?P<exponent>[-+]?[0-9]+))?"
)
_SUFFIX = {
    None: Decimal(1), "m": Decimal("0.001"),
    "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "P": Decimal(10) ** 15,
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40, "Pi": Decimal(2) ** 50,
}
MAX_EXPONENT = 15
_MAX_DIGITS = 30


def quantity_problem(value: str) -> str | None:
    """Why ``value`` is not a quantity we accept, or None."""
    match = _QUANTITY.fullmatch(value)
    if not match:
        return "must be a Kubernetes quantity such as '500m', '1', '256Mi' or '2Gi'"
    if match["suffix"] in ("E", "Ei"):
        return "exa quantities ('E', 'Ei') are refused; use at most 'P' or 'Pi'"
    exponent = (match["exponent"] or "0").lstrip("+-").lstrip("0")
    if len(exponent) > 2 or int(exponent or "0") > MAX_EXPONENT:
        return f"the exponent must be between -{MAX_EXPONENT} and {MAX_EXPONENT}"
    if len(match["number"]) > _MAX_DIGITS:
        return f"at most {_MAX_DIGITS} digits"
    return None


def quantity(value: str) -> str:
    problem = quantity_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def parse_quantity(value: str) -> Decimal:
    """Numeric value of a quantity :func:`quantity` accepts, to compare
    requests with limits; a ValueError (never a ``decimal`` error) otherwise."""
    problem = quantity_problem(value)
    match = _QUANTITY.fullmatch(value)
    if problem or not match:
        raise ValueError(f"not a quantity: {shown(value)}")
    number = Decimal(match["number"])
    if match["exponent"] is not None:
        return number.scaleb(int(match["exponent"]))
    return number * _SUFFIX[match["suffix"]]

"""The one error a construct raises: what went wrong, and where in the tree.

A library user composes many constructs, often several of one class (a
release per revision, a gateway per entry); a message without its place in
the construct tree leaves them guessing which one failed. Like aws-cdk's
``ValidationError(message, scope)``, :class:`ConstructError` carries the
construct path (``scope.node.path``: ``<stack>/<id>/...``) and prints it
first. It is a :class:`ValueError`, so callers that catch those keep working.
"""

from __future__ import annotations

from istio_mesh.runtime.terraform import Construct


class ConstructError(ValueError):
    """``<construct path>: <message>``, raised by a construct about itself.

    Args:
        message: what is wrong and what to do about it, without the path.
        scope: the construct raising it (or, for a helper, the construct it
            works for); its ``node.path`` is read once, when raised.
    """

    def __init__(self, message: str, scope: Construct) -> None:
        self.message = message
        self.path: str = scope.node.path
        super().__init__(f"{self.path}: {message}")

"""A small S3 stand-in on 127.0.0.1, enough for Terraform's S3 backend and
``terraform_remote_state``: objects by path-style key in one bucket, GET,
HEAD, PUT (with ``If-None-Match: *``, which S3-native state locking uses),
DELETE and an empty ListObjectsV2.

Written for the tests because no S3 server installs from PyPI or Debian
without changing the project's runtime pins (moto needs a python-dateutil
older than the one jsii is locked with). The backend runs with
``skip_s3_checksum``, as for any S3-compatible store, so bodies arrive plain.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_NO_SUCH_KEY = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code>'
                b"<Message>The specified key does not exist.</Message></Error>")
_EMPTY_LIST = (b'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult '
               b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>{bucket}</Name>'
               b"<KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
               b"</ListBucketResult>")


class S3StandIn:
    """Objects of one bucket, in memory."""

    def __init__(self, bucket: str) -> None:
        self.bucket = bucket
        self.objects: dict[str, bytes] = {}
        self.lock = threading.Lock()


def _handler(store: S3StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def _key(self) -> str | None:
            path = urlsplit(self.path).path.lstrip("/")
            bucket, _, key = path.partition("/")
            return key if bucket == store.bucket and key else None

        def _send(self, status: int, body: bytes = b"", content_type: str = "application/xml") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if status == 200 and self.command in ("GET", "HEAD", "PUT"):
                self.send_header("ETag", f'"{abs(hash(body)):x}"')
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            key = self._key()
            if key is None:
                self._send(200, _EMPTY_LIST.replace(b"{bucket}", store.bucket.encode()))
                return
            with store.lock:
                body = store.objects.get(key)
            if body is None:
                self._send(404, _NO_SUCH_KEY)
            else:
                self._send(200, body, "application/octet-stream")

        do_HEAD = do_GET  # noqa: N815

        def do_PUT(self) -> None:  # noqa: N802
            key = self._key()
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if key is None:
                self._send(200)
                return
            with store.lock:
                if self.headers.get("If-None-Match") == "*" and key in store.objects:
                    self._send(412, b"<Error><Code>PreconditionFailed</Code></Error>")
                    return
                store.objects[key] = body
            self._send(200)

        def do_DELETE(self) -> None:  # noqa: N802
            key = self._key()
            with store.lock:
                store.objects.pop(key or "", None)
            self._send(204)

    return Handler


@contextmanager
def s3_stand_in(bucket: str) -> Iterator[tuple[str, S3StandIn]]:
    """``(endpoint, store)`` while the server runs."""
    store = S3StandIn(bucket)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(store))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", store
    finally:
        server.shutdown()
        server.server_close()

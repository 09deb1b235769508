"""A reverse proxy that admits only correctly SigV4-signed requests, in front of a real OpenSearch node.

It does what Amazon OpenSearch Service's front end does with a request, using botocore's own signer to
recompute the signature: parse ``Authorization`` (algorithm, credential scope, signed headers), look up
the secret of the access key, check scope (region, service, date), clock skew and that
``X-Amz-Content-SHA256`` is the hash of the body received, rebuild the request from the signed headers
and compare signatures in constant time. Signed requests go on to the node; others get 403 with the
reason, as the service answers. Runs in a thread of the test process on an ephemeral loopback port.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<akid>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)"
    r"/aws4_request, ?SignedHeaders=(?P<signed>[a-z0-9;-]+), ?Signature=(?P<sig>[0-9a-f]{64})$"
)
MAX_SKEW_SECONDS = 300


class Rejected(Exception):
    """The request's signature does not verify; the message says why."""


@dataclass
class SigV4Proxy:
    upstream: str
    keys: dict[str, str]  # access key id -> secret
    region: str
    service: str = "es"
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def verify(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        """Raise :class:`Rejected` unless the request carries a valid signature of this proxy's keys."""
        lower = {k.lower(): v for k, v in headers.items()}
        match = _AUTH.match(lower.get("authorization", ""))
        if not match:
            raise Rejected("missing or malformed SigV4 Authorization header")
        secret = self.keys.get(match["akid"])
        if secret is None:
            raise Rejected(f"unknown access key {match['akid']}")
        if (match["region"], match["service"]) != (self.region, self.service):
            raise Rejected(f"credential scope {match['region']}/{match['service']} is not this endpoint's")
        amz_date = lower.get("x-amz-date", "")
        try:
            when = datetime.strptime(amz_date, SIGV4_TIMESTAMP).replace(tzinfo=UTC)
        except ValueError as exc:
            raise Rejected("missing or malformed X-Amz-Date") from exc
        skew = abs((datetime.now(UTC) - when).total_seconds())
        if skew > MAX_SKEW_SECONDS or amz_date[:8] != match["date"]:
            raise Rejected("request time is too skewed or does not match the credential date")
        signed = match["signed"].split(";")
        if "host" not in signed:
            raise Rejected("the host header is not signed")
        content_sha = lower.get("x-amz-content-sha256")
        if content_sha is not None and content_sha != hashlib.sha256(body).hexdigest():
            raise Rejected("X-Amz-Content-SHA256 does not match the body received")
        missing = [h for h in signed if h not in lower]
        if missing:
            raise Rejected(f"signed headers missing from the request: {missing}")
        request = AWSRequest(
            method=method,
            url=f"http://{lower['host']}{path}",
            data=body,
            headers={h: lower[h] for h in signed},
        )
        request.context["timestamp"] = amz_date
        credentials = Credentials(match["akid"], secret, lower.get("x-amz-security-token"))
        signer = SigV4Auth(credentials, self.service, self.region)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if signer.signed_headers(signer.headers_to_sign(request)) != match["signed"]:
            raise Rejected("signed header list does not match the request")
        if not hmac.compare_digest(expected, match["sig"]):
            raise Rejected("signature does not match")

    def start(self) -> SigV4Proxy:
        proxy = self
        target = urlsplit(self.upstream)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    proxy.verify(self.command, self.path, dict(self.headers.items()), body)
                except Rejected as exc:
                    proxy.rejected.append(str(exc))
                    self._reply(403, b'{"message":"%s"}' % str(exc).replace('"', "'").encode(), {})
                    return
                proxy.accepted += 1
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                try:
                    keep = {"content-type", "accept", "content-encoding", "accept-encoding"}
                    fwd = {k: v for k, v in self.headers.items() if k.lower() in keep}
                    conn.request(self.command, self.path, body=body or None, headers=fwd)
                    resp = conn.getresponse()
                    data = resp.read()
                    ctype = resp.getheader("Content-Type") or "application/json"
                    extra = {"Content-Type": ctype}
                    if resp.getheader("Content-Encoding"):
                        extra["Content-Encoding"] = resp.getheader("Content-Encoding")
                    self._reply(resp.status, data, extra)
                finally:
                    conn.close()

            def _reply(self, status: int, data: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                headers.setdefault("Content-Type", "application/json")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True, name="sigv4-proxy").start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

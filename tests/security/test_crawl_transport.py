"""The fetcher's transport (crawl/transport.py) over real sockets: the SSRF guard on public-host lanes,
httpx's exception types from the guarded pool, and TLS certificates verified on both kinds of lane."""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.retry import classify
from newsingest.crawl.ssrf import GuardedBackend, SSRFBlocked
from newsingest.crawl.transport import GuardedTransport, lane_client, verified_ssl_context
from tls_proxy import _pem_cert, _pem_key, free_port, make_ca, make_server_cert

CFG = CrawlConfig(connect_timeout=2.0, read_timeout=2.0)
UA = "newsingest-test/0 (+https://example.org/)"


class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = b"<html>hello over tls</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a certificate from a private CA; yields (url, CA file)."""
    work = tmp_path_factory.mktemp("tls")
    ca_key, ca = make_ca("newsingest test CA")
    key, cert = make_server_cert(ca_key, ca)
    (work / "ca.pem").write_bytes(_pem_cert(ca))
    (work / "server.pem").write_bytes(_pem_cert(cert) + _pem_key(key))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(work / "server.pem")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    httpd.daemon_threads = True
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}", work / "ca.pem"
    httpd.shutdown()
    httpd.server_close()


async def _get(client: httpx.AsyncClient, url: str) -> httpx.Response:
    async with client:
        response = await client.get(url)
        await response.aread()
        # The peer address, read while the connection is open (the fetcher archives it).
        response.extensions = {**response.extensions, "peer": _peer(response)}
        return response


def _peer(response: httpx.Response) -> str | None:
    addr = response.extensions["network_stream"].get_extra_info("server_addr")
    return str(addr[0]) if addr else None


def _host_port(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0]


def test_public_host_lanes_use_the_guarded_transport_and_refuse_loopback(sample_site) -> None:
    client = lane_client(CFG, UA, ssl_context=verified_ssl_context(), guard=GuardedBackend())
    assert isinstance(client._transport, GuardedTransport)
    with pytest.raises(SSRFBlocked, match="loopback") as info:
        asyncio.run(_get(client, f"{sample_site.url}/ledger/"))
    assert classify(info.value)[0] == "ssrf"


def test_guarded_lane_reaches_an_exempt_host_and_reports_httpx_errors(sample_site) -> None:
    guard = GuardedBackend([_host_port(sample_site.url), f"127.0.0.1:{free_port()}"])
    client = lane_client(CFG, UA, ssl_context=verified_ssl_context(), guard=guard)
    response = asyncio.run(_get(client, f"{sample_site.url}/ledger/"))
    assert response.status_code == 200 and b"<html" in response.content.lower()
    assert response.extensions["peer"] == "127.0.0.1"
    # Nothing listens on the other exempt port: httpcore's ConnectError arrives as httpx's.
    closed = sorted(guard._exempt - {_host_port(sample_site.url)})[0]
    client = lane_client(CFG, UA, ssl_context=verified_ssl_context(), guard=guard)
    with pytest.raises(httpx.ConnectError) as info:
        asyncio.run(_get(client, f"http://{closed}/"))
    assert classify(info.value)[0] == "connect"


@pytest.mark.parametrize("guarded", [True, False], ids=["guarded", "private-opt-in"])
def test_tls_certificates_are_verified(tls_server: tuple[str, Path], guarded: bool) -> None:
    url, ca_file = tls_server
    guard = GuardedBackend([_host_port(url)]) if guarded else None
    unknown_ca = lane_client(CFG, UA, ssl_context=verified_ssl_context(), guard=guard)
    with pytest.raises(httpx.ConnectError, match=r"(?i)certificate verify failed"):
        asyncio.run(_get(unknown_ca, f"{url}/"))
    trusted = ssl.create_default_context(cafile=str(ca_file))
    response = asyncio.run(_get(lane_client(CFG, UA, ssl_context=trusted, guard=guard), f"{url}/"))
    assert response.status_code == 200 and response.text == "<html>hello over tls</html>"

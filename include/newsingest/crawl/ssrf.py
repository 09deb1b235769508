"""SSRF guard: refuse connections to non-public addresses, checked after DNS resolution.

The guard sits in the connection layer (an httpcore network backend), so it applies to every
connection the client opens, including each redirect hop, and connects to the very address it
checked (no DNS rebinding window).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

import httpcore
from httpcore import AnyIOBackend, AsyncNetworkBackend, AsyncNetworkStream

from newsingest.errors import PermanentError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# The socket options httpcore's network backends take (its ``SOCKET_OPTION``).
SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]

# Cloud metadata endpoints, refused even if a future ipaddress release called them global.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")


class SSRFBlocked(PermanentError):
    """A connection target resolved to a non-public address."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        super().__init__(f"refused to connect to {host} ({address}): {reason} address")
        self.host = host
        self.address = address
        self.reason = reason


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    packed = int(ip)
    if packed >> 32 == 0 and packed > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(packed)
    return None


def forbidden_reason(address: str | IPAddress) -> str | None:
    """Why ``address`` must not be contacted, or None when it is a public unicast address."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "scoped IPv6"
        inner = _embedded_ipv4(ip)
        if inner is not None:
            reason = forbidden_reason(inner)
            return f"IPv6-embedded {reason}" if reason else None
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    if isinstance(ip, ipaddress.IPv6Address) and ip in _UNIQUE_LOCAL:
        return "unique-local"
    for attr, label in (
        ("is_loopback", "loopback"),
        ("is_unspecified", "unspecified"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(ip, attr):
            return label
    if not ip.is_global:
        return "non-global"
    return None


async def resolve(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to (IP literals resolve to themselves)."""
    bare = host.strip("[]")
    try:
        return [str(ipaddress.ip_address(bare))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(bare, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        addr = str(info[4][0])
        if addr not in seen:
            seen.append(addr)
    return seen


async def check_host(host: str, port: int) -> list[str]:
    """Resolve ``host`` and raise :class:`SSRFBlocked` if any address is not public; returns them."""
    addresses = await resolve(host, port)
    for addr in addresses:
        reason = forbidden_reason(addr)
        if reason:
            raise SSRFBlocked(host, addr, reason)
    return addresses


class GuardedBackend(AsyncNetworkBackend):
    """An httpcore backend that only connects to public addresses.

    ``exempt`` lists ``host:port`` pairs that skip the check (e.g. a sample site on loopback
    used by tests and benchmarks).
    """

    def __init__(self, exempt: Iterable[str] = ()) -> None:
        self._inner = AnyIOBackend()  # what httpcore's default backend uses under asyncio
        self._exempt = frozenset(e.lower() for e in exempt)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        if f"{host.lower()}:{port}" in self._exempt:
            return await self._inner.connect_tcp(
                host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
            )
        try:
            addresses = await asyncio.wait_for(check_host(host, port), timeout)
        except (OSError, TimeoutError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        last: Exception | None = None
        for addr in addresses:
            try:
                return await self._inner.connect_tcp(
                    addr, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except Exception as exc:  # try the next address, like getaddrinfo-based connect does
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SocketOption] | None = None
    ) -> AsyncNetworkStream:
        raise SSRFBlocked(path, path, "unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)

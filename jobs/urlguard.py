"""Outbound URL guard: which addresses a server-side request may reach, checked after DNS.

Every fetch made on a client's behalf (topic analyze, later webhook deliveries) resolves the host
once here, refuses private, loopback, link-local, multicast and reserved addresses, and connects
to the address it checked (`Target.address`), so a name that resolves differently a moment later
(DNS rebinding) cannot slip past. Redirects are new URLs: each one is checked again.
"""

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import httpx

from jobs.errors import FetchFailed, UrlNotAllowed

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]  # (host, port) -> its IP addresses
SCHEMES: Final = {"http": 80, "https": 443}


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses `getaddrinfo` gives for a TCP connection, in its order, without repeats."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"cannot resolve {host}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def refusal(address: IpAddress) -> str | None:
    """Why an address may not be reached, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal(address.ipv4_mapped)
    # Most specific first: Python counts link-local, reserved and unspecified as private too.
    for kind in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if address.is_global else "not globally routable"


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to for it."""

    url: httpx.URL
    host: str
    address: str

    def pinned_url(self) -> httpx.URL:
        """The URL with its host replaced by the checked address (the Host header and TLS
        server name keep the original host: see `host_header`)."""
        return self.url.copy_with(host=self.address)

    def host_header(self) -> str:
        port = self.url.port
        return self.host if port is None else f"{self.host}:{port}"


class UrlGuard:
    """Checks URLs for one policy; `allow_private` turns the address check off (tests, labs)."""

    def __init__(self, *, allow_private: bool, resolve: Resolver = system_resolver) -> None:
        self.allow_private = allow_private
        self._resolve = resolve

    def check(self, url: str | httpx.URL) -> Target:
        """The target of an http(s) URL whose every address is allowed; else UrlNotAllowed."""
        parsed = _parse(url)
        host = parsed.host
        port = parsed.port or SCHEMES[parsed.scheme]
        addresses = [_ip(host)] if _is_ip(host) else [_ip(a) for a in self._resolve(host, port)]
        if not addresses:
            raise FetchFailed(f"cannot resolve {host}: no addresses")
        if not self.allow_private:
            for address in addresses:
                reason = refusal(address)
                if reason is not None:
                    raise UrlNotAllowed(f"{host} resolves to {address}, a {reason} address")
        return Target(parsed, host, str(addresses[0]))


def _parse(url: str | httpx.URL) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise UrlNotAllowed(f"not a valid URL: {exc}") from exc
    if parsed.scheme not in SCHEMES:
        raise UrlNotAllowed(f"only http and https URLs can be fetched, not {parsed.scheme!r}")
    if not parsed.host:
        raise UrlNotAllowed("the URL has no host")
    if parsed.userinfo:
        raise UrlNotAllowed("URLs with credentials are not fetched")
    return parsed


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _ip(text: str) -> IpAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])  # a scope id (fe80::1%eth0) is not an ip

"""How a webhook delivery goes over the wire: the Standard Webhooks signature and headers, and
the HTTP POST through the outbound address guard on pooled clients."""

import base64
import hashlib
import hmac
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Final

import httpx

from data.metadata.models import WebhookDelivery, WebhookEndpoint
from jobs.urlguard import Target, UrlGuard

SECRET_PREFIX: Final = "whsec_"
USER_AGENT: Final = "intent-engine-webhooks/1.0"

Post = Callable[[WebhookEndpoint, WebhookDelivery, float], int]  # -> the HTTP status


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with the decoded secret."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


class Clients:
    """The HTTP clients of one tick, one per receiving host name: connections to a receiver
    are kept and reused (at most `connections` each), and a TLS connection made for one name
    never carries a delivery for another name on the same address."""

    def __init__(self, connections: int, timeout: float) -> None:
        self._limits = httpx.Limits(
            max_connections=connections, max_keepalive_connections=connections
        )
        self._timeout = timeout
        self._clients: dict[str, httpx.Client] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> "Clients":
        return self

    def __exit__(self, *exc: object) -> None:
        for client in self._clients.values():
            client.close()

    def of(self, host: str) -> httpx.Client:
        with self._lock:
            if host not in self._clients:
                self._clients[host] = httpx.Client(
                    timeout=self._timeout,
                    follow_redirects=False,
                    trust_env=False,
                    limits=self._limits,
                )
            return self._clients[host]


def http_post(
    guard: UrlGuard, clock: Callable[[], datetime], clients: Clients | None = None
) -> Post:
    """A Post that sends through `guard` (the address is checked after DNS and connected to as
    checked), signed at the moment of sending, without following redirects; on the pooled
    `clients` when given, else on a client of its own per delivery."""

    def post(endpoint: WebhookEndpoint, delivery: WebhookDelivery, timeout: float) -> int:
        target = guard.check(endpoint.url)
        if clients is None:
            with httpx.Client(follow_redirects=False, trust_env=False) as own:
                return _send(own, target, clock, endpoint, delivery, timeout)
        return _send(clients.of(target.host), target, clock, endpoint, delivery, timeout)

    return post


def _send(
    client: httpx.Client,
    target: Target,
    clock: Callable[[], datetime],
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery,
    timeout: float,
) -> int:
    body = delivery.body.encode()
    headers = signed_headers(endpoint.secret, delivery.id, int(clock().timestamp()), body)
    headers["host"] = target.host_header()
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    request = client.build_request(
        "POST",
        target.pinned_url(),
        content=body,
        headers=headers,
        extensions=extensions,
        timeout=timeout,
    )
    return client.send(request, follow_redirects=False).status_code

"""Fetching one web page on a client's behalf: guarded, bounded and HTML or text only.

Each hop (the URL, then at most MAX_REDIRECTS redirects) passes `UrlGuard` and is requested at the
address the guard checked; the body is read up to MAX_BYTES and cut there, so a huge page costs
at most that much memory and time.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import httpx

from jobs.errors import FetchFailed, UnsupportedContent
from jobs.urlguard import Target, UrlGuard

MAX_BYTES: Final = 2 * 1024 * 1024
MAX_REDIRECTS: Final = 3
TIMEOUT: Final = httpx.Timeout(10.0, connect=5.0)
TOTAL_SECONDS: Final = 20.0  # for the whole fetch, redirects and slow bodies included
ACCEPTED_TYPES: Final = ("text/html", "application/xhtml+xml", "text/plain")
USER_AGENT: Final = "intent-engine-topic-analyze/1.0"


@dataclass(frozen=True)
class Page:
    url: str  # the final URL, after redirects
    content_type: str  # the media type, lower case, without parameters
    text: str
    truncated: bool  # the body was longer than MAX_BYTES and was cut


def fetch_page(
    url: str,
    guard: UrlGuard,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Page:
    """The page at `url`; UrlNotAllowed, FetchFailed or UnsupportedContent otherwise."""
    deadline = clock() + TOTAL_SECONDS
    with httpx.Client(
        transport=transport, timeout=TIMEOUT, follow_redirects=False, trust_env=False
    ) as client:
        current: str | httpx.URL = url
        for _ in range(MAX_REDIRECTS + 1):
            target = guard.check(current)
            try:
                response = client.send(_request(client, target), stream=True)
                try:
                    if response.is_redirect:
                        current = _next_hop(target, response)
                        continue
                    return _page(target, response, deadline, clock)
                finally:
                    response.close()
            except httpx.HTTPError as exc:
                raise FetchFailed(f"fetching {target.url} failed: {exc!r}") from exc
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects from {url}")


def _request(client: httpx.Client, target: Target) -> httpx.Request:
    """A GET of the checked address, naming the original host in Host and TLS (SNI)."""
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    headers = {
        "Host": target.host_header(),
        "User-Agent": USER_AGENT,
        "Accept": "text/html, application/xhtml+xml, text/plain;q=0.8",
    }
    return client.build_request("GET", target.pinned_url(), headers=headers, extensions=extensions)


def _next_hop(target: Target, response: httpx.Response) -> httpx.URL:
    location = response.headers.get("location")
    if not location:
        raise FetchFailed(f"{target.url} answered {response.status_code} without a Location")
    return target.url.join(location)


def _page(
    target: Target, response: httpx.Response, deadline: float, clock: Callable[[], float]
) -> Page:
    if response.status_code >= 400:
        raise FetchFailed(f"{target.url} answered {response.status_code}")
    media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in ACCEPTED_TYPES:
        shown = media or "no content type"
        raise UnsupportedContent(f"{target.url} is {shown}; only HTML or plain text is read")
    body, truncated = _bounded_body(response, deadline, clock)
    text = body.decode(response.encoding or "utf-8", errors="replace")
    return Page(str(target.url), media, text, truncated)


def _bounded_body(
    response: httpx.Response, deadline: float, clock: Callable[[], float]
) -> tuple[bytes, bool]:
    """The body up to MAX_BYTES, and whether there was more."""
    chunks, size = [], 0
    stream = response.iter_bytes()
    for chunk in stream:
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BYTES:
            more = size > MAX_BYTES or any(stream)
            return b"".join(chunks)[:MAX_BYTES], more
        if clock() > deadline:
            raise FetchFailed(f"{response.url} took more than {TOTAL_SECONDS:g} s")
    return b"".join(chunks), False

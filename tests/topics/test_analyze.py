"""Topic analyze: a page fetched from a local server, the text form, and every refusal of the
URL guard (loopback, a name resolving to a private address, a redirect to one)."""

import ipaddress
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema_rs
import pytest

from jobs.errors import FetchFailed, UrlNotAllowed
from jobs.page_fetch import MAX_BYTES, fetch_page
from jobs.urlguard import UrlGuard, refusal
from tests.topics import schemas
from tests.topics.conftest import Client, MakeClient
from tests.topics.pages import serving

URL = "/v1/intent/topics/analyze"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serving() as base:
        yield base


@pytest.fixture
def lab(make_client: MakeClient) -> Client:
    """A client whose analyze may fetch private addresses (the local server)."""
    return make_client(analyze_allow_private=True)


def _analyze(client: Client, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    reply = client.post(URL, json=body)
    assert reply.status_code == status, reply.text
    document: dict[str, Any] = reply.json()
    return document


def test_a_page_about_crm_software_ranks_crm_topics_first(lab: Client, site: str) -> None:
    body = _analyze(lab, {"url": f"{site}/crm"})
    jsonschema_rs.validate(schemas.ANALYZE, body)
    data = body["data"]
    assert data["company"] == "Acme CRM"
    assert data["summary"] == "Acme is CRM software that helps sales teams close deals."
    assert "crm" in data["keywords"]
    ranked = [(topic["topicId"], topic["category"]) for topic in data["topics"]]
    assert [category for _, category in ranked[:6]] == ["crm"] * 6, ranked
    assert 1 in [topic_id for topic_id, _ in ranked[:3]], ranked  # CRM Software
    similarities = [topic["similarity"] for topic in data["topics"]]
    assert similarities == sorted(similarities, reverse=True)
    assert all(0 < s <= 1 for s in similarities)


def test_scripts_and_styles_are_not_read(lab: Client, site: str) -> None:
    topics = _analyze(lab, {"url": f"{site}/crm"})["data"]["topics"]
    assert 8 not in [topic["topicId"] for topic in topics]  # Kubernetes Security


def test_analyze_is_deterministic(lab: Client, site: str) -> None:
    first = _analyze(lab, {"url": f"{site}/crm"})["data"]
    assert _analyze(lab, {"url": f"{site}/crm"})["data"] == first


def test_text_needs_no_network(client: Client) -> None:
    data = _analyze(client, {"text": "We compare trail running shoes."})["data"]
    assert (data["company"], data["summary"]) == (None, None)
    assert [t["topicId"] for t in data["topics"][:2]] == [7, 6]
    assert data["topics"][0]["matchedKeyword"] in ("trail", "running", "shoes")


def test_plain_text_pages_are_read(lab: Client, site: str) -> None:
    topics = _analyze(lab, {"url": f"{site}/notes.txt"})["data"]["topics"]
    assert topics[0]["topicId"] == 8


def test_a_ten_megabyte_page_is_cut_at_the_cap(lab: Client, site: str) -> None:
    page = fetch_page(f"{site}/huge", UrlGuard(allow_private=True))
    assert page.truncated
    assert len(page.text.encode()) == MAX_BYTES
    assert _analyze(lab, {"url": f"{site}/huge"})["data"]["topics"][0]["category"] == "crm"


def test_a_non_html_page_is_refused(lab: Client, site: str) -> None:
    error = _analyze(lab, {"url": f"{site}/image.png"}, status=422)["error"]
    assert error["code"] == "UNSUPPORTED_CONTENT"
    assert "image/png" in error["message"]


def test_three_redirects_are_followed_and_a_fourth_is_refused(lab: Client, site: str) -> None:
    assert _analyze(lab, {"url": f"{site}/hops/2"})["data"]["topics"]
    error = _analyze(lab, {"url": f"{site}/hops/3"}, status=422)["error"]
    assert error["code"] == "FETCH_FAILED"
    assert "redirects" in error["message"]


def test_an_error_status_is_a_fetch_failure(lab: Client, site: str) -> None:
    assert _analyze(lab, {"url": f"{site}/missing"}, status=422)["error"]["code"] == "FETCH_FAILED"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_loopback_urls_are_refused_by_default(client: Client, site: str, host: str) -> None:
    port = site.rsplit(":", 1)[1]
    error = _analyze(client, {"url": f"http://{host}:{port}/crm"}, status=400)["error"]
    assert error["code"] == "URL_NOT_ALLOWED"
    assert error["details"][0]["field"] == "url"


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "not a url"])
def test_other_schemes_are_refused(client: Client, url: str) -> None:
    assert _analyze(client, {"url": url}, status=400)["error"]["code"] == "URL_NOT_ALLOWED"


@pytest.mark.parametrize(
    "body", [{}, {"url": "https://example.com", "text": "x"}, {"text": ""}, {"link": "x"}]
)
def test_exactly_one_of_url_and_text_is_required(client: Client, body: dict[str, Any]) -> None:
    assert _analyze(client, body, status=400)["error"]["code"] == "VALIDATION_ERROR"


def _resolver(table: dict[str, str]) -> Any:
    return lambda host, port: [table[host]]


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    guard = UrlGuard(allow_private=False, resolve=_resolver({"intranet.example": "10.1.2.3"}))
    with pytest.raises(UrlNotAllowed, match=r"10\.1\.2\.3, a private address"):
        guard.check("https://intranet.example/")


def test_a_redirect_to_a_private_address_is_refused() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": "http://internal.example/admin"})

    names = {"public.example": "93.184.216.34", "internal.example": "192.168.1.10"}
    guard = UrlGuard(allow_private=False, resolve=_resolver(names))
    with pytest.raises(UrlNotAllowed, match=r"192\.168\.1\.10"):
        fetch_page("http://public.example/", guard, transport=httpx.MockTransport(answer))
    assert len(seen) == 1  # the private address was never contacted


def test_requests_go_to_the_checked_address_with_the_original_host() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"<p>hi</p>")

    guard = UrlGuard(allow_private=False, resolve=_resolver({"site.example": "93.184.216.34"}))
    fetch_page("http://site.example:8080/a?b=1", guard, transport=httpx.MockTransport(answer))
    assert str(seen[0].url) == "http://93.184.216.34:8080/a?b=1"
    assert seen[0].headers["host"] == "site.example:8080"


def test_transport_errors_are_fetch_failures() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    guard = UrlGuard(allow_private=False, resolve=_resolver({"slow.example": "93.184.216.34"}))
    with pytest.raises(FetchFailed, match="timed out"):
        fetch_page("http://slow.example/", guard, transport=httpx.MockTransport(fail))


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "not globally routable"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_policy(address: str, reason: str | None) -> None:
    assert refusal(ipaddress.ip_address(address)) == reason

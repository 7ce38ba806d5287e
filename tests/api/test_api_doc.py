"""docs/API.md against what the server serves: one `METHOD /path` heading per operation of the
OpenAPI document and none for an operation it lacks, no other path it lacks named anywhere, and
a row `| CODE | status |` for every error of `api.errors`."""

import re
from pathlib import Path
from typing import Any, Final

import pytest

from api.errors import ERROR_TABLE, INTERNAL, ApiError
from tests.api.factories import Api

DOC: Final = Path(__file__).resolve().parents[2] / "docs" / "API.md"
METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
_METHOD: Final = "|".join(METHODS)
HEADING: Final = re.compile(rf"^#{{2,4}} `?({_METHOD}) (/\S*?)`?(?: \(ext\))?$", re.MULTILINE)
MENTION: Final = re.compile(rf"\b({_METHOD}) (/[^\s`?,;)]*)")
BARE_PATH: Final = re.compile(r"(?<![\w.])/v1/[A-Za-z0-9_{}./-]*")
ERROR_ROW: Final = re.compile(r"^\| `([A-Z_]+)` \| (\d{3}) \|", re.MULTILINE)
# Served on purpose without being in the OpenAPI document; the doc may name them.
OUTSIDE_DOCUMENT: Final = frozenset(
    {
        ("GET", "/metrics"),
        ("GET", "/schema/openapi.json"),
        ("GET", "/schema/swagger"),
        ("GET", "/schema/redoc"),
    }
)


@pytest.fixture
def operations(api: Api) -> set[tuple[str, str]]:
    reply = api.client.get("/schema/openapi.json")
    assert reply.status_code == 200
    paths: dict[str, dict[str, Any]] = reply.json()["paths"]
    return {
        (method.upper(), path)
        for path, item in paths.items()
        for method in item
        if method.upper() in METHODS
    }


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_operation_has_one_heading_and_every_heading_an_operation(
    operations: set[tuple[str, str]], doc: str
) -> None:
    headings: list[tuple[str, str]] = HEADING.findall(doc)
    assert len(operations) >= 40
    assert sorted(operations - set(headings)) == [], "operations without a heading in docs/API.md"
    assert sorted(set(headings) - operations) == [], "headings of operations the server lacks"
    repeated = sorted({h for h in headings if headings.count(h) > 1})
    assert repeated == [], "operations with two headings"


def test_every_method_and_path_named_is_served(operations: set[tuple[str, str]], doc: str) -> None:
    named = set(MENTION.findall(doc))
    assert sorted(named - operations - OUTSIDE_DOCUMENT) == []


def test_every_path_named_is_a_path_of_the_document_or_a_prefix_of_one(
    operations: set[tuple[str, str]], doc: str
) -> None:
    paths = {path for _, path in operations}
    for token in BARE_PATH.findall(doc):
        bare = token.rstrip(".")
        assert any(p == bare or p.startswith(bare + "/") for p in paths), bare


def test_the_routes_named_outside_the_document_are_served(api: Api) -> None:
    for method, path in OUTSIDE_DOCUMENT:
        assert api.client.request(method, path).status_code == 200, path


def _error_table() -> set[tuple[str, int]]:
    """(code, status) of every refusal: the API's own errors, the table, the 500."""
    found: set[tuple[str, int]] = set()
    pending = list(ApiError.__subclasses__())  # the base class itself is never raised
    while pending:
        kind = pending.pop()
        found.add((kind.code, kind.status))
        pending.extend(kind.__subclasses__())
    found.update((code, status) for _, status, code in ERROR_TABLE)
    found.add((INTERNAL.code, INTERNAL.status))
    return found


def test_every_error_code_has_a_row_with_its_status(doc: str) -> None:
    rows = {(code, int(status)) for code, status in ERROR_ROW.findall(doc)}
    table = _error_table()
    assert len(table) >= 20
    assert sorted(table - rows) == [], "error codes missing from docs/API.md"
    assert sorted(rows - table) == [], "error rows in docs/API.md that the API does not answer"

"""Email uniqueness across chunks, and hashes that match hashlib."""

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from data.generator import generate, people
from data.generator.emails import EmailRegistry, hashed_emails, sha256_hex
from tests.generator.conftest import SMALL, read_people


def test_sha256_hex_matches_hashlib_and_keeps_order() -> None:
    values = ["zoë@example.com", "a@b.co", "josé.garcía@gmail.com"]
    expected = [hashlib.sha256(value.encode()).hexdigest() for value in values]
    assert sha256_hex(pa.array(values)).to_pylist() == expected


def test_a_repeated_address_gets_the_person_id_added() -> None:
    registry = EmailRegistry()
    first = registry.claim(pa.array(["ana@x.com", None]), pa.array([1, 2]))
    second = registry.claim(pa.array(["ana@x.com", "ana@x.com", "bo@x.com"]), pa.array([3, 4, 5]))
    assert first.to_pylist() == ["ana@x.com", None]
    assert second.to_pylist() == ["ana+3@x.com", "ana+4@x.com", "bo@x.com"]


def test_without_any_email_the_hash_is_of_a_synthetic_address() -> None:
    hashed = hashed_emails(
        pa.array([None], pa.string()), pa.array([None], pa.string()), pa.array([7])
    )
    assert hashed.to_pylist() == [hashlib.sha256(b"person-7@unknown.invalid").hexdigest()]


def test_emails_stay_unique_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(people, "CHUNK_ROWS", 300)
    generate(tmp_path, **SMALL | {"days": 1})
    table = read_people(tmp_path)
    for column in ("business_email", "personal_email", "hashed_email"):
        emails = table.column(column).drop_null()
        assert len(pc.unique(emails)) == len(emails)

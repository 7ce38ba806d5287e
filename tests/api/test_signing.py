"""Signed download tokens: they name one export, expire, and break when any part changes."""

from datetime import UTC, datetime, timedelta

import pytest

from api.errors import Forbidden
from api.signing import expiry_of, sign_download, verify_download

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
EXPORT = "5b0c8d4e-51f4-4f0b-9d55-2f5a2c7b1e01"
OTHER = "9a1f3c7e-0000-4a4a-8b8b-123456789abc"


def _token(secret: str = "s3cret", export_id: str = EXPORT, ttl: int = 60) -> str:
    return sign_download(secret, export_id, NOW + timedelta(seconds=ttl))


def test_token_names_its_export_until_it_expires() -> None:
    assert verify_download("s3cret", _token(), NOW) == EXPORT
    assert expiry_of(_token()) == NOW + timedelta(seconds=60)


def test_expired_token_is_refused() -> None:
    with pytest.raises(Forbidden, match="expired"):
        verify_download("s3cret", _token(), NOW + timedelta(seconds=60))


def test_token_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(Forbidden, match="invalid"):
        verify_download("s3cret", _token(secret="other"), NOW)


def test_token_pointed_at_another_export_is_refused() -> None:
    _, expires, signature = _token().split(".")
    with pytest.raises(Forbidden, match="invalid"):
        verify_download("s3cret", f"{OTHER}.{expires}.{signature}", NOW)


def test_token_with_a_later_expiry_is_refused() -> None:
    export_id, expires, signature = _token().split(".")
    with pytest.raises(Forbidden, match="invalid"):
        verify_download("s3cret", f"{export_id}.{int(expires) + 3600}.{signature}", NOW)


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", f"{EXPORT}.soon.sig"])
def test_malformed_token_is_refused(token: str) -> None:
    with pytest.raises(Forbidden):
        verify_download("s3cret", token, NOW)

"""Signed download tokens: one export id and an expiry, sealed with an HMAC of the signing secret.

A token reads `<exportId>.<expiresEpoch>.<signature>`; changing any part breaks the signature.
"""

import base64
import hashlib
import hmac
from datetime import UTC, datetime

from api.errors import Forbidden

_PURPOSE = b"intent-export-download\n"  # keeps these signatures apart from any other use


def sign_download(secret: str, export_id: str, expires_at: datetime) -> str:
    expires = str(int(expires_at.timestamp()))
    return f"{export_id}.{expires}.{_signature(secret, export_id, expires)}"


def verify_download(secret: str, token: str, now: datetime) -> str:
    """The export id a token names; Forbidden when it is malformed, tampered with or expired."""
    export_id, _, rest = token.partition(".")
    expires, _, signature = rest.partition(".")
    expected = _signature(secret, export_id, expires)
    if not (export_id and expires.isdigit() and hmac.compare_digest(signature, expected)):
        raise Forbidden("the download link is invalid")
    if int(expires) <= now.timestamp():
        raise Forbidden("the download link has expired")
    return export_id


def expiry_of(token: str) -> datetime:
    """When a well-formed token stops working (for responses that hand it out)."""
    return datetime.fromtimestamp(int(token.split(".")[1]), UTC)


def _signature(secret: str, export_id: str, expires: str) -> str:
    message = _PURPOSE + f"{export_id}\n{expires}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

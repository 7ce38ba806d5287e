"""Exports on the wire: the create request, the export object and its signed download link."""

from typing import Final, Literal

import msgspec

from api.wire.common import Meta, iso, iso_or_none
from data.metadata.models import Export

ExportFormat = Literal["csv", "parquet", "jsonl"]
ExportStatus = Literal["processing", "completed", "failed"]
_STATUSES: Final[dict[str, ExportStatus]] = {
    "processing": "processing",
    "completed": "completed",
    "failed": "failed",
}


class ExportCreate(msgspec.Struct, forbid_unknown_fields=True):
    format: ExportFormat = "csv"


class ExportOut(msgspec.Struct, rename="camel"):
    id: str
    organization_id: str
    audience_id: str
    run_id: str
    export_type: str
    status: ExportStatus
    content_type: str
    byte_size: int | None
    row_count: int | None
    sha256: str | None
    error_code: str | None
    error_message: str | None
    created_at: str
    completed_at: str | None
    expires_at: str | None


class ExportLink(msgspec.Struct, rename="camel"):
    export: ExportOut
    download_url: str
    download_url_expires_at: str
    download_url_ttl_seconds: int


class ExportEnvelope(msgspec.Struct):
    data: ExportLink
    meta: Meta


class ExportListEnvelope(msgspec.Struct):
    data: list[ExportLink]
    meta: Meta


def export_out(export: Export) -> ExportOut:
    return ExportOut(
        id=export.id,
        organization_id=export.organization_id,
        audience_id=export.audience_id,
        run_id=export.run_id,
        export_type=export.export_type,
        status=_status(export.status),
        content_type=export.content_type,
        byte_size=export.byte_size,
        row_count=export.row_count,
        sha256=export.sha256,
        error_code=export.error_code,
        error_message=export.error_message,
        created_at=iso(export.created_at),
        completed_at=iso_or_none(export.completed_at),
        expires_at=iso_or_none(export.expires_at),
    )


def _status(text: str) -> ExportStatus:
    return _STATUSES.get(text, "processing")

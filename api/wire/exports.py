"""Exports on the wire: the create request, the export object and its signed download link."""

from typing import Final, Literal

import msgspec

from api.wire.common import Meta, iso, iso_or_none
from data.metadata.models import Export
from data.storage import address

ExportFormat = Literal["csv", "parquet", "jsonl"]
ExportStatus = Literal["processing", "completed", "failed"]
StorageProvider = Literal["local", "s3"]
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
    storage_provider: StorageProvider  # where the file is kept: "local" disk or "s3"
    bucket: str | None  # the bucket on S3, null on local disk
    file_name: str | None  # the object's key in the bucket, or the file's name on local disk


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
    provider, bucket, name = address(export.path) if export.path else ("local", None, None)
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
        storage_provider="s3" if provider == "s3" else "local",
        bucket=bucket,
        file_name=name,
    )


def _status(text: str) -> ExportStatus:
    return _STATUSES.get(text, "processing")

"""Exports on the wire: the create request, the export object and its signed download link."""

from typing import Literal

import msgspec

from api.wire.common import Meta
from jobs.wire import ExportOut

ExportFormat = Literal["csv", "parquet", "jsonl"]


class ExportCreate(msgspec.Struct, forbid_unknown_fields=True):
    format: ExportFormat = "csv"


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

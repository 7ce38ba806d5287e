"""Rank order of a Polars result frame (DESIGN section 3 step 5) with integer comparisons.

Sorting by the hashed email compares up to 64 bytes per pair, read from wherever the people scan
decoded them; at a million results that sort alone took over a second. Instead one u64 per row
packs overlap (descending), best score (descending), a null email (last) and the email's first six
bytes; rows whose packed keys tie are then put in order by the whole email and the person id.
With SHA-256 hex emails ties are rare, but any tie is resolved the same exact way.
"""

from typing import Final

import polars as pl

EMAIL_PREFIX_BYTES: Final = 6
_U64 = pl.UInt64


def rank_order(frame: pl.DataFrame) -> pl.Series:
    """Row indices of `frame` (overlap, best, hashed_email, person_id) in rank order."""
    keyed = frame.select(packed_key().alias("key")).with_row_index("row")
    ordered = keyed.sort("key")
    key, rows = ordered["key"], ordered["row"]
    tied = ((key == key.shift(1)) | (key == key.shift(-1))).fill_null(False)
    if not tied.any():
        return rows
    positions = tied.arg_true()
    group = frame.select("hashed_email", "person_id")[rows.gather(positions)].with_columns(
        key=key.gather(positions), row=rows.gather(positions)
    )
    resolved = group.sort(["key", "hashed_email", "person_id"], nulls_last=True)
    return rows.clone().scatter(positions, resolved["row"])


def packed_key() -> pl.Expr:
    """overlap desc (8 bits), best desc (7 bits), email null (1 bit), email's first 6 bytes."""
    overlap = pl.lit(255, _U64) - pl.col("overlap").cast(_U64)  # overlap <= 250
    best = pl.lit(127, _U64) - pl.col("best").cast(_U64)  # score <= 99
    missing = pl.col("hashed_email").is_null().cast(_U64)
    return overlap * 2**56 + best * 2**49 + missing * 2**48 + email_prefix().fill_null(0)


def email_prefix() -> pl.Expr:
    """The email's first bytes as a big-endian integer: ordered as the emails' bytes are.

    Shorter emails are padded with zero bytes; a tie this creates is resolved by `rank_order`.
    """
    chars = pl.col("hashed_email").str.head(8).str.pad_end(8, "\x00")  # >= 8 bytes
    first = chars.cast(pl.Binary).bin.head(8).bin.reinterpret(dtype=_U64, endianness="big")
    prefix: pl.Expr = first // 2 ** (8 * (8 - EMAIL_PREFIX_BYTES))
    return prefix

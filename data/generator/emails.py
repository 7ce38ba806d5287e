"""Unique email addresses across all people, and `hashed_email` from the primary address.

People come in chunks; a registry of 64-bit fingerprints of the addresses handed out so far
finds repeats without holding every address in memory.
"""

from typing import Final

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

UNKNOWN_EMAIL_DOMAIN: Final = "unknown.invalid"


class EmailRegistry:
    """Every address claimed so far, as sorted fingerprints."""

    def __init__(self) -> None:
        self._seen = np.zeros(0, dtype=np.uint64)

    def claim(self, emails: pa.Array, person_id: pa.Array) -> pa.Array:
        """`emails` with every repeat (of an earlier chunk or row) made unique.

        A repeat gets "+<person_id>" in its local part ("john.smith+4821@gmail.com"): generated
        addresses never contain "+", so the result cannot collide with anything. A fingerprint
        collision only adds a needless "+<person_id>".
        """
        valid = np.asarray(pc.is_valid(emails).to_numpy(zero_copy_only=False), dtype=bool)
        rows = np.flatnonzero(valid)
        prints = fingerprints(emails)[rows]
        fresh = _first_occurrences(prints) & ~_member(self._seen, prints)
        self._seen = np.sort(np.concatenate([self._seen, prints[fresh]]))
        repeated = valid.copy()
        repeated[rows[fresh]] = False
        return _with_person_id(emails, person_id, pa.array(repeated))


def hashed_emails(business: pa.Array, personal: pa.Array, person_id: pa.Array) -> pa.Array:
    """SHA-256 hex of the primary email: business, else personal, else a synthetic address."""
    ids = pc.cast(person_id, pa.string())
    synthetic = pc.binary_join_element_wise("person-", ids, "@" + UNKNOWN_EMAIL_DOMAIN, "")
    return sha256_hex(pc.coalesce(business, personal, synthetic))


def sha256_hex(values: pa.Array) -> pa.Array:
    """Lower-case hex SHA-256 of each UTF-8 string, in order (DuckDB hashes on all cores)."""
    return _duckdb_column("sha256(value)", values)


def fingerprints(values: pa.Array) -> np.ndarray:
    """A 64-bit fingerprint per string (DuckDB's hash; nulls get one too, callers mask them)."""
    return np.asarray(_duckdb_column("hash(value)", values).to_numpy(zero_copy_only=False))


def _duckdb_column(expression: str, values: pa.Array) -> pa.Array:
    with duckdb.connect() as connection:
        connection.execute("SET preserve_insertion_order = true")
        connection.register("input", pa.table({"value": values}))
        result = connection.sql(f"SELECT {expression} AS output FROM input").to_arrow_table()
    return result.column("output").combine_chunks()


def _first_occurrences(prints: np.ndarray) -> np.ndarray:
    """Per row, whether no earlier row has the same fingerprint."""
    order = np.argsort(prints, kind="stable")
    first = np.ones(len(prints), dtype=bool)
    first[order[1:]] = prints[order[1:]] != prints[order[:-1]]
    return first


def _member(sorted_prints: np.ndarray, prints: np.ndarray) -> np.ndarray:
    if len(sorted_prints) == 0:
        return np.zeros(len(prints), dtype=bool)
    found = np.minimum(np.searchsorted(sorted_prints, prints), len(sorted_prints) - 1)
    return np.asarray(sorted_prints[found] == prints)


def _with_person_id(emails: pa.Array, person_id: pa.Array, mask: pa.Array) -> pa.Array:
    if not pc.any(mask).as_py():
        return emails
    parts = pc.split_pattern(emails.filter(mask), "@", max_splits=1)
    ids = pc.cast(person_id.filter(mask), pa.string())
    local = pc.binary_join_element_wise(pc.list_element(parts, 0), ids, "+")
    fixed = pc.binary_join_element_wise(local, pc.list_element(parts, 1), "@")
    return pc.replace_with_mask(emails, mask, fixed)

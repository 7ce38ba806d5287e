"""Dataset files in tests: tables by date, exports, and rewrites that keep manifests true."""

import hashlib
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from data import contract
from data.catalog import DatasetCatalog

Transform = Callable[[pa.Table], pa.Table]


def intent_file(dataset: Path, data_date: str) -> Path:
    return Path(DatasetCatalog(dataset).resolve(data_date).intent_files[0])


def people_file(dataset: Path) -> Path:
    catalog = DatasetCatalog(dataset)
    return Path(catalog.resolve(catalog.complete_dates()[0]).people_files[0])


def rewrite(path: Path, transform: Transform) -> None:
    """Replace the Parquet file at `path` with `transform` of its table; manifests stay."""
    pq.write_table(transform(pq.read_table(path)), path)


def rewrite_signed(dataset: Path, path: Path, transform: Transform) -> None:
    """Rewrite `path` and update every manifest naming it, so only the new content is wrong."""
    rewrite(path, transform)
    for data_date in DatasetCatalog(dataset).complete_dates():
        edit_manifest(dataset, data_date, partial(_resign, dataset, data_date))


def edit_manifest(dataset: Path, data_date: str, edit: Callable[[dict], dict]) -> None:
    path = contract.manifest_path(dataset, data_date)
    path.write_text(json.dumps(edit(json.loads(path.read_text()))))


def _resign(dataset: Path, data_date: str, manifest: dict) -> dict:
    directory = contract.intent_dir(dataset, data_date)
    for entry in manifest["files"]:
        path = directory / entry["path"]
        entry["bytes"] = path.stat().st_size
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        entry["rows"] = pq.read_metadata(path).num_rows
    manifest["rowCount"] = sum(entry["rows"] for entry in manifest["files"])
    return manifest


def set_value(column: str, row: int, value: object) -> Transform:
    """A transform that sets one cell (the column keeps its type)."""

    def transform(table: pa.Table) -> pa.Table:
        values = table.column(column).to_pylist()
        values[row] = value
        index = table.schema.get_field_index(column)
        field = table.schema.field(index).with_nullable(True)
        return table.set_column(index, field, pa.array(values, field.type))

    return transform


def append_row(row: int) -> Transform:
    """A transform that repeats row `row` at the end."""
    return lambda table: pa.concat_tables([table, table.slice(row, 1)])


def cast_column(column: str, kind: pa.DataType) -> Transform:
    def transform(table: pa.Table) -> pa.Table:
        index = table.schema.get_field_index(column)
        return table.set_column(index, column, pc.cast(table.column(column), kind))

    return transform


def date_tables(dataset: Path, data_date: str) -> dict[str, pa.Table]:
    """The topics, people and intent tables one date reads, each in a canonical order."""
    found = DatasetCatalog(dataset).resolve(data_date)
    return {
        "topics": pq.read_table(found.topics_file).sort_by("topic_id"),
        "people": _read(found.people_files, contract.PEOPLE_SCHEMA).sort_by("person_id"),
        "intent": _read(found.intent_files, contract.INTENT_SCHEMA).sort_by(
            [("person_id", "ascending"), ("topic_id", "ascending")]
        ),
    }


def _read(files: tuple[str, ...], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables(pq.read_table(path, schema=schema) for path in files)


def write_csv(table: pa.Table, path: Path) -> Path:
    """`table` as CSV with a header; list cells become `;`-separated text as ingest expects."""
    for index, field in enumerate(table.schema):
        if pa.types.is_list(field.type):
            joined = [
                None if cell is None else ";".join(cell) for cell in table.column(index).to_pylist()
            ]
            table = table.set_column(index, field.name, pa.array(joined, pa.string()))
    pacsv.write_csv(table, path)
    return path


def tree_state(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under `root` with size, mtime and checksum: equal states mean no writes."""
    return {
        str(path.relative_to(root)): (
            path.stat().st_size,
            path.stat().st_mtime_ns,
            hashlib.sha256(path.read_bytes()).hexdigest(),
        )
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def export_date(dataset: Path, data_date: str, out: Path, suffix: str = ".csv") -> dict[str, Path]:
    """The topics, people and intent of one date as files a user would bring to ingest."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, table in date_tables(dataset, data_date).items():
        path = out / f"{name}{suffix}"
        if suffix == ".csv":
            write_csv(table, path)
        else:
            pq.write_table(table, path)
        paths[name] = path
    return paths


def edit_csv(path: Path, edit: Callable[[list[str]], list[str]]) -> Path:
    """Rewrite the lines of a CSV file (the header is line 0)."""
    lines = path.read_text().splitlines()
    path.write_text("\n".join(edit(lines)) + "\n")
    return path

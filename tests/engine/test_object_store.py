"""Runs over an object store fetch only what a local run reads: the wanted topics' intent row
groups, counted in bytes through the filesystem the engine is given (pyarrow's reads) and through
a proxy in front of the S3 server (the reads of Polars' own client)."""

import dataclasses
import uuid

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from data.storage import open_store
from engine.backends import Backend
from tests import services
from tests.engine.conftest import MakeInputs
from tests.engine.factories import config, person, topic
from tests.storage.counting import counting
from tests.storage.counting_proxy import counting_proxy
from tests.storage.upload import stored_inputs

TOPICS = 40
PER_TOPIC = 5_000
WANTED = 2
# pyarrow fetches a file's last 64 KiB for its footer, once to learn the schema, once to scan;
# Polars' client fetches the last 256 KiB (all of a smaller file).
FOOTER_FETCHES = 2 * 256 * 1024
INTENT_SCANS = 2  # candidates, then the matched topics of the results


def test_a_selective_run_fetches_only_the_wanted_topics_intent_row_groups(
    fast_backend: Backend, make_inputs: MakeInputs, s3_bucket: str, tmp_path
) -> None:
    wanted_people = _person_ids(WANTED)
    local = make_inputs(
        [person(int(p)) for p in wanted_people],
        [(int(wanted_people[0]), WANTED, 80)],
        [topic(t) for t in range(1, TOPICS + 1)],
        intent_parts=1,
    )
    _write_intent(local.intent_files[0])
    store = open_store(f"s3://{s3_bucket}/{uuid.uuid4().hex}", services.S3)
    remote = stored_inputs(local, tmp_path, store)
    filesystem, handler = counting(store.filesystem)
    assert services.S3.endpoint_url is not None
    assert remote.object_store is not None

    with counting_proxy(services.S3.endpoint_url) as proxy:
        options = dict(remote.object_store.options) | {"aws_endpoint_url": proxy.url}
        client = dataclasses.replace(remote.object_store, options=tuple(options.items()))
        counted = dataclasses.replace(remote, filesystem=filesystem, object_store=client)
        result = fast_backend.materialize(counted, config([WANTED]))

    assert result.result_count == PER_TOPIC
    intent_file = remote.intent_files[0]
    fetched = handler.bytes_read[intent_file] + proxy.bytes_read[intent_file]
    wanted, total = _row_group_bytes(pq.ParquetFile(intent_file, filesystem=store.filesystem))
    assert wanted <= fetched <= INTENT_SCANS * (wanted + FOOTER_FETCHES)
    assert fetched < total / 4


def _person_ids(topic_id: int) -> np.ndarray:
    """Distinct, scattered person ids of one topic's intent rows."""
    return np.arange(PER_TOPIC, dtype=np.int64) * 7_919 + topic_id * 1_000_003


def _write_intent(path: str) -> None:
    """Every topic's intent rows, sorted as the contract says, one row group per topic."""
    rng = np.random.default_rng(7)
    topics = np.repeat(np.arange(1, TOPICS + 1, dtype=np.int32), PER_TOPIC)
    persons = np.concatenate([_person_ids(t) for t in range(1, TOPICS + 1)])
    scores = rng.integers(50, 100, size=topics.size, dtype=np.int8)
    table = pa.table({"person_id": persons, "topic_id": topics, "score": scores})
    table = table.sort_by([("topic_id", "ascending"), ("score", "descending")])
    pq.write_table(table.cast(pq.read_schema(path)), path, row_group_size=PER_TOPIC)


def _row_group_bytes(file: pq.ParquetFile) -> tuple[int, int]:
    """The compressed bytes of the row groups that may hold the wanted topic, and of all."""
    metadata = file.metadata
    column = metadata.schema.names.index("topic_id")
    wanted = total = 0
    for index in range(metadata.num_row_groups):
        group = metadata.row_group(index)
        size = sum(group.column(i).total_compressed_size for i in range(group.num_columns))
        stats = group.column(column).statistics
        total += size
        wanted += size if stats.min <= WANTED <= stats.max else 0
    return wanted, total

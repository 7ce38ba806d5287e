"""Copies of local test datasets in a store, as the engine reads them there."""

import dataclasses
from pathlib import Path

from data.storage import Store, object_store
from engine.schema import MaterializeInput


def stored_inputs(inputs: MaterializeInput, root: Path, store: Store) -> MaterializeInput:
    """`inputs` (files under `root`) uploaded to `store`, and the engine's view of the copies."""

    def upload(path: str) -> str:
        key = Path(path).relative_to(root).as_posix()
        store.upload(Path(path), key)
        return store.locate(key)

    return dataclasses.replace(
        inputs,
        intent_files=tuple(upload(path) for path in inputs.intent_files),
        people_files=tuple(upload(path) for path in inputs.people_files),
        topics_file=upload(inputs.topics_file),
        filesystem=store.filesystem,
        object_store=object_store(store),
    )

"""Store fixtures: every contract test runs on local disk and on the local S3 server."""

from collections.abc import Iterator

import pytest

from data.storage import Store, open_store
from tests import services


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    """An empty store: a fresh directory, or a prefix of a fresh bucket."""
    if request.param == "local":
        root = tmp_path / "store"
        root.mkdir()
        yield open_store(root, services.S3)
        return
    with services.temporary_bucket("intent-store") as bucket:
        yield open_store(f"s3://{bucket}/some/prefix", services.S3)

"""The compare-and-swap of `Store`: a manifest is written only over the version its writer read,
on local disk and on the S3 server alike."""

from concurrent.futures import ThreadPoolExecutor

from data.storage import Store


def test_a_tagged_read_gives_the_bytes_and_none_for_an_absent_object(store: Store) -> None:
    assert store.read_tagged("m.json") is None
    store.write_bytes("m.json", b"one")
    found = store.read_tagged("m.json")
    assert found is not None
    assert found[0] == b"one"


def test_the_tag_changes_when_the_object_is_rewritten(store: Store) -> None:
    store.write_bytes("m.json", b"one")
    first = store.read_tagged("m.json")
    store.write_bytes("m.json", b"two")
    second = store.read_tagged("m.json")
    assert first is not None
    assert second is not None
    assert first[1] != second[1]


def test_writing_if_absent_creates_the_object_once(store: Store) -> None:
    assert store.write_bytes_if("d/m.json", b"first", None)
    assert not store.write_bytes_if("d/m.json", b"second", None)
    assert store.read_bytes("d/m.json") == b"first"


def test_writing_over_the_tag_read_succeeds_and_over_a_stale_one_changes_nothing(
    store: Store,
) -> None:
    store.write_bytes("m.json", b"one")
    found = store.read_tagged("m.json")
    assert found is not None
    assert store.write_bytes_if("m.json", b"two", found[1])
    assert not store.write_bytes_if("m.json", b"three", found[1])  # the tag of "one": stale
    assert store.read_bytes("m.json") == b"two"


def test_writing_over_a_tag_when_the_object_is_gone_changes_nothing(store: Store) -> None:
    store.write_bytes("m.json", b"one")
    found = store.read_tagged("m.json")
    assert found is not None
    store.delete_tree("m.json")
    assert not store.write_bytes_if("m.json", b"two", found[1])
    assert store.read_tagged("m.json") is None


def test_of_writers_racing_over_one_tag_exactly_one_wins(store: Store) -> None:
    store.write_bytes("m.json", b"base")
    found = store.read_tagged("m.json")
    assert found is not None
    bodies = [f"writer {i}".encode() for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(lambda body: store.write_bytes_if("m.json", body, found[1]), bodies))
    assert won.count(True) == 1
    assert store.read_bytes("m.json") == bodies[won.index(True)]

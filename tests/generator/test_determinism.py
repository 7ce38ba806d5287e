"""Same arguments, same bytes; a different seed, different data."""

import hashlib
from pathlib import Path

from data.generator import generate
from tests.generator.conftest import SMALL, MakeDataset


def checksums(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_arguments_give_byte_identical_files(dataset: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", **SMALL)
    assert checksums(tmp_path / "again") == checksums(dataset)


def test_every_written_file_is_compared(dataset: Path) -> None:
    names = checksums(dataset)
    assert "topics.parquet" in names
    # per date: the part file, the topic table and the manifest
    assert sum(name.startswith("intent/") for name in names) == 3 * SMALL["days"]
    assert any(name.startswith("people/version=") for name in names)


def test_different_seed_gives_different_intent(dataset: Path, make_dataset: MakeDataset) -> None:
    other = make_dataset(seed=SMALL["seed"] + 1)
    ours, theirs = checksums(dataset), checksums(other)
    assert ours.keys() == theirs.keys()
    assert all(ours[name] != theirs[name] for name in ours if name.startswith("intent/"))


def test_people_do_not_depend_on_the_number_of_days(
    dataset: Path, make_dataset: MakeDataset
) -> None:
    shorter = make_dataset(days=1)
    people = [name for name in checksums(dataset) if name.startswith("people/")]
    assert {name: checksums(shorter)[name] for name in people} == {
        name: checksums(dataset)[name] for name in people
    }

"""Ingest: user files become one complete date, or nothing becomes visible at all."""

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from data import contract, writer
from data.catalog import DatasetCatalog, date_directories, people_versions
from data.errors import DateExistsError, IngestError
from data.ingest import IngestRequest, ingest
from data.validation import validate_dataset
from tests.dataset.conftest import DATES
from tests.dataset.files import date_tables, edit_csv, export_date

NEW_DATE = "2024-03-03"
Exported = Callable[..., dict[str, Path]]


@pytest.fixture
def exported(pristine: Path, tmp_path: Path) -> Exported:
    """Factory: the files of one generated date, as CSV (default) or Parquet, in a fresh folder."""
    folders = iter(range(1000))

    def export(data_date: str = DATES[-1], suffix: str = ".csv") -> dict[str, Path]:
        return export_date(pristine, data_date, tmp_path / f"export-{next(folders)}", suffix)

    return export


def request_for(dataset: Path, intent: Path, **overrides: object) -> IngestRequest:
    return replace(IngestRequest(dataset=dataset, data_date=NEW_DATE, intent=intent), **overrides)  # type: ignore[arg-type]


def nothing_visible(dataset: Path, data_date: str = NEW_DATE) -> bool:
    return data_date not in DatasetCatalog(
        dataset
    ).complete_dates() and data_date not in date_directories(dataset)


def test_round_trip_from_csv_gives_identical_rows(
    pristine: Path, exported: Exported, tmp_path: Path
) -> None:
    files = exported(DATES[-1])
    target = tmp_path / "ingested"
    request = IngestRequest(
        target, DATES[-1], files["intent"], people=files["people"], topics=files["topics"]
    )
    ingest(request)
    assert validate_dataset(target).ok
    expected, actual = date_tables(pristine, DATES[-1]), date_tables(target, DATES[-1])
    for name in ("topics", "people", "intent"):
        assert actual[name].equals(expected[name]), name


def test_intent_only_ingest_uses_the_current_people_and_topics(
    dataset: Path, exported: Exported
) -> None:
    result = ingest(request_for(dataset, exported(suffix=".parquet")["intent"]))
    catalog = DatasetCatalog(dataset)
    assert catalog.complete_dates() == [*DATES, NEW_DATE]
    assert result.people_version == catalog.people_version(DATES[-1])
    assert validate_dataset(dataset).ok


def test_file_in_a_partition_like_folder_gains_no_column(
    dataset: Path, pristine: Path, tmp_path: Path
) -> None:
    files = export_date(pristine, DATES[0], tmp_path / f"data_date={DATES[0]}", ".parquet")
    ingest(request_for(dataset, files["intent"]))
    assert NEW_DATE in DatasetCatalog(dataset).complete_dates()


def test_existing_complete_date_is_refused_without_replace(
    dataset: Path, exported: Exported
) -> None:
    manifest = contract.manifest_path(dataset, DATES[0]).read_bytes()
    with pytest.raises(DateExistsError, match="--replace"):
        ingest(request_for(dataset, exported()["intent"], data_date=DATES[0]))
    assert contract.manifest_path(dataset, DATES[0]).read_bytes() == manifest


def test_replace_swaps_an_existing_date(dataset: Path, exported: Exported) -> None:
    ingest(request_for(dataset, exported(DATES[1])["intent"], data_date=DATES[0], replace=True))
    replaced = date_tables(dataset, DATES[0])["intent"]
    assert replaced.equals(date_tables(dataset, DATES[1])["intent"])


def test_value_that_does_not_cast_names_file_column_and_sample(
    dataset: Path, exported: Exported
) -> None:
    path = edit_csv(exported()["intent"], lambda lines: [lines[0], "1,2,high", *lines[2:]])
    with pytest.raises(IngestError) as caught:
        ingest(request_for(dataset, path))
    message = str(caught.value)
    assert str(path) in message
    assert "column score" in message
    assert "'high'" in message
    assert nothing_visible(dataset)


def test_fractional_id_does_not_cast(dataset: Path, exported: Exported) -> None:
    path = edit_csv(exported()["intent"], lambda lines: [lines[0], "1.5,2,3", *lines[2:]])
    with pytest.raises(IngestError, match="column person_id"):
        ingest(request_for(dataset, path))


def test_missing_column_is_an_error(dataset: Path, exported: Exported) -> None:
    path = edit_csv(exported()["intent"], lambda lines: [line.rsplit(",", 1)[0] for line in lines])
    with pytest.raises(IngestError, match="missing columns score"):
        ingest(request_for(dataset, path))


def test_extra_column_is_an_error(dataset: Path, exported: Exported) -> None:
    path = edit_csv(
        exported()["intent"],
        lambda lines: [lines[0] + ',"note"'] + [line + ",x" for line in lines[1:]],
    )
    with pytest.raises(IngestError, match="not in the contract: note"):
        ingest(request_for(dataset, path))


def test_extra_column_is_dropped_when_asked(dataset: Path, exported: Exported) -> None:
    path = edit_csv(
        exported()["intent"],
        lambda lines: [lines[0] + ',"note"'] + [line + ",x" for line in lines[1:]],
    )
    ingest(request_for(dataset, path, ignore_extra=True))
    assert NEW_DATE in DatasetCatalog(dataset).complete_dates()


def test_unknown_person_is_refused_and_nothing_is_visible(
    dataset: Path, exported: Exported
) -> None:
    files = exported()
    path = edit_csv(files["intent"], lambda lines: [lines[0], "987654321,1,50", *lines[1:]])
    versions = set(people_versions(dataset))
    with pytest.raises(IngestError, match="person_id not in people version"):
        ingest(request_for(dataset, path, people=files["people"]))
    assert nothing_visible(dataset)
    assert set(people_versions(dataset)) == versions


def test_duplicate_person_topic_rows_are_refused(dataset: Path, exported: Exported) -> None:
    path = edit_csv(exported()["intent"], lambda lines: [*lines, lines[1]])
    with pytest.raises(IngestError, match="duplicate"):
        ingest(request_for(dataset, path))
    assert nothing_visible(dataset)


def test_score_outside_0_to_99_is_refused(dataset: Path, exported: Exported) -> None:
    def score_100(lines: list[str]) -> list[str]:
        person, topic, _ = lines[1].split(",")
        return [lines[0], f"{person},{topic},100", *lines[2:]]

    with pytest.raises(IngestError, match="outside 0-99"):
        ingest(request_for(dataset, edit_csv(exported()["intent"], score_100)))


def test_fixed_vocabulary_values_are_lower_cased(dataset: Path, exported: Exported) -> None:
    files = exported()
    edit_csv(
        files["people"], lambda lines: [line.replace('"director"', '"Director"') for line in lines]
    )
    result = ingest(request_for(dataset, files["intent"], people=files["people"]))
    people = pq.read_table(contract.people_dir(dataset, result.people_version))
    assert "Director" not in people.column("seniority").to_pylist()
    assert "director" in people.column("seniority").to_pylist()


def test_interrupted_ingest_leaves_nothing_visible(
    dataset: Path, exported: Exported, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(path: Path, document: dict[str, object]) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(writer, "_write_json", crash)
    files = exported()
    versions = set(people_versions(dataset))
    with pytest.raises(OSError, match="disk full"):
        ingest(request_for(dataset, files["intent"], people=files["people"]))
    assert nothing_visible(dataset)
    assert set(people_versions(dataset)) == versions
    assert validate_dataset(dataset).problems == []


def test_new_people_get_a_version_named_after_the_date(dataset: Path, exported: Exported) -> None:
    files = exported()
    result = ingest(request_for(dataset, files["intent"], people=files["people"]))
    assert result.people_version == NEW_DATE
    assert DatasetCatalog(dataset).people_version(NEW_DATE) == NEW_DATE


def test_replacing_a_date_with_new_people_keeps_the_old_version(
    dataset: Path, exported: Exported
) -> None:
    files = exported()
    ingest(request_for(dataset, files["intent"], people=files["people"]))
    again = ingest(request_for(dataset, files["intent"], people=files["people"], replace=True))
    assert again.people_version == f"{NEW_DATE}.2"
    assert NEW_DATE in people_versions(dataset)


def test_people_version_in_use_is_never_rewritten(dataset: Path, exported: Exported) -> None:
    files = exported()
    in_use = DatasetCatalog(dataset).people_version(DATES[0])
    with pytest.raises(IngestError, match="is used by data date"):
        ingest(request_for(dataset, files["intent"], people=files["people"], people_version=in_use))


def test_new_topics_must_keep_every_current_topic_id(dataset: Path, exported: Exported) -> None:
    files = exported()
    edit_csv(files["topics"], lambda lines: [lines[0], *lines[2:]])
    with pytest.raises(IngestError, match="not in the new topics file"):
        ingest(request_for(dataset, files["intent"], topics=files["topics"]))


def test_first_ingest_needs_topics_and_people(exported: Exported, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="--topics"):
        ingest(request_for(tmp_path / "empty", exported()["intent"]))


def test_first_ingest_without_people_asks_for_them(exported: Exported, tmp_path: Path) -> None:
    files = exported()
    with pytest.raises(IngestError, match="--people"):
        ingest(request_for(tmp_path / "empty", files["intent"], topics=files["topics"]))


def test_people_version_must_be_a_plain_name(dataset: Path, exported: Exported) -> None:
    files = exported()
    with pytest.raises(IngestError, match="--people-version"):
        ingest(request_for(dataset, files["intent"], people=files["people"], people_version="../x"))


def test_unknown_file_type_is_an_error(dataset: Path, exported: Exported) -> None:
    path = exported()["intent"]
    renamed = Path(shutil.copy(path, path.with_suffix(".xlsx")))
    with pytest.raises(IngestError, match="unknown file type"):
        ingest(request_for(dataset, renamed))


def test_ingest_reports_each_stage_with_a_growing_fraction(
    dataset: Path, exported: Exported
) -> None:
    heard: list[tuple[str, float]] = []
    ingest(
        request_for(dataset, exported(suffix=".parquet")["intent"]),
        lambda stage, done: heard.append((stage, done)),
    )
    assert [stage for stage, _ in heard] == ["reading", "checking", "writing", "done"]
    assert [done for _, done in heard] == sorted(done for _, done in heard)
    assert heard[-1] == ("done", 1.0)

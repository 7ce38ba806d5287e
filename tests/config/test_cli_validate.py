"""`intent config validate FILE [--json] [--dataset DIR]` as a user runs it."""

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from cli.main import main
from data import contract, writer
from engine.config import config_hash, parse_config

Run = Callable[..., tuple[int, str, str]]
WriteConfig = Callable[[object], Path]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run `intent` with arguments; gives (exit code, stdout, stderr)."""

    def invoke(*argv: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(list(argv))
        out, err = capsys.readouterr()
        return int(exited.value.code or 0), out, err

    return invoke


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    def write(content: object) -> Path:
        path = tmp_path / "audience.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return path

    return write


@pytest.fixture
def make_dataset(tmp_path: Path) -> Callable[..., Path]:
    """A tiny dataset with topics 1-3 and people of the given companies."""

    def make(companies: tuple[str, ...] = ("acme", "globex")) -> Path:
        root = tmp_path / "dataset"
        topics = [{"topic_id": topic_id} for topic_id in (1, 2, 3)]
        people = [{"person_id": i, "company_name": name} for i, name in enumerate(companies)]
        writer.write_topics(root, pa.Table.from_pylist(topics, schema=contract.TOPICS_SCHEMA))
        writer.write_people(root, "1", pa.Table.from_pylist(people, schema=contract.PEOPLE_SCHEMA))
        return root

    return make


VALID = {"topicIds": [2, 1], "minScore": 30, "filters": {"role": {"seniority": ["VP"]}}}


def test_valid_config_prints_its_hash_and_normalized_form(
    run: Run, write_config: WriteConfig
) -> None:
    code, out, _ = run("config", "validate", str(write_config(VALID)))
    assert code == 0
    assert out.startswith(f"configHash: {config_hash(parse_config(VALID))}\n")
    assert json.loads(out.split("\n", 1)[1])["topicIds"] == [1, 2]


def test_valid_config_as_json_is_one_object(run: Run, write_config: WriteConfig) -> None:
    code, out, _ = run("config", "validate", str(write_config(VALID)), "--json")
    assert (code, json.loads(out)) == (
        0,
        {
            "valid": True,
            "configHash": config_hash(parse_config(VALID)),
            "normalizedConfig": {
                "filters": {"role.seniority": {"values": ["vp"]}},
                "maxScore": 99,
                "minScore": 50,
                "minTopicOverlap": 1,
                "topicIds": [1, 2],
            },
            "warnings": [],
        },
    )


def test_invalid_config_lists_every_problem_and_exits_1(
    run: Run, write_config: WriteConfig
) -> None:
    code, out, err = run("config", "validate", str(write_config({"topicIds": [], "x": 1})))
    assert (code, out) == (1, "")
    assert "config.x: unknown field" in err
    assert "config.topicIds: must name 1 to 250 topics" in err


def test_invalid_config_as_json_lists_fields_and_messages(
    run: Run, write_config: WriteConfig
) -> None:
    code, out, _ = run("config", "validate", str(write_config({"topicIds": ["a"]})), "--json")
    assert code == 1
    assert json.loads(out)["problems"] == [
        {
            "field": "config.topicIds[0]",
            "message": "must be a topic id (an integer from 0 to 2147483647)",
        }
    ]


def test_missing_file_is_an_error_naming_it(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    code, _, err = run("config", "validate", str(missing))
    assert code == 2
    assert f"{missing}: no such file" in err


@pytest.mark.parametrize("content", ["{", "", "topicIds: [1]"], ids=["truncated", "empty", "yaml"])
def test_file_that_is_not_json_is_an_error_naming_it(
    run: Run, write_config: WriteConfig, content: str
) -> None:
    path = write_config(content)
    code, _, err = run("config", "validate", str(path))
    assert code == 2
    assert f"{path}: not JSON" in err


def test_json_that_is_not_an_object_is_one_problem(run: Run, write_config: WriteConfig) -> None:
    code, _, err = run("config", "validate", str(write_config([1, 2])))
    assert code == 1
    assert "config: must be an object" in err


def test_dataset_refuses_topics_it_does_not_have(
    run: Run, write_config: WriteConfig, make_dataset: Callable[..., Path]
) -> None:
    path = write_config({"topicIds": [1, 9]})
    code, _, err = run("config", "validate", str(path), "--dataset", str(make_dataset()))
    assert code == 1
    assert "config.topicIds[1]: unknown topic id 9" in err


def test_dataset_warns_about_values_no_one_has(
    run: Run, write_config: WriteConfig, make_dataset: Callable[..., Path]
) -> None:
    path = write_config({"topicIds": [1], "filters": {"company.names": ["acme", "initech"]}})
    code, out, _ = run("config", "validate", str(path), "--dataset", str(make_dataset()), "--json")
    assert code == 0
    assert json.loads(out)["warnings"] == [
        {
            "field": "config.filters.company.names",
            "message": "no one in the current data has 'initech'",
        }
    ]


def test_dataset_without_topics_is_an_error_naming_it(
    run: Run, write_config: WriteConfig, tmp_path: Path
) -> None:
    code, _, err = run("config", "validate", str(write_config(VALID)), "--dataset", str(tmp_path))
    assert code == 2
    assert "--dataset:" in err
    assert "topics" in err


def test_help_describes_the_command(run: Run) -> None:
    code, out, _ = run("config", "validate", "--help")
    assert code == 0
    assert "configHash" in out


def test_valid_config_text_output_prints_warnings_on_stderr(
    run: Run, write_config: WriteConfig, make_dataset: Callable[..., Path]
) -> None:
    path = write_config({"topicIds": [1], "filters": {"company.names": ["initech"]}})
    _, _, err = run("config", "validate", str(path), "--dataset", str(make_dataset()))
    assert "warning: config.filters.company.names: no one in the current data has 'initech'" in err

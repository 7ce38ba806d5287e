"""The progress bar of long commands: drawn on a terminal, absent when output is piped."""

import io
from pathlib import Path

import pytest

from cli.main import main
from cli.progress import progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_shows_the_stage_and_percent() -> None:
    stream = Terminal()
    with progress_bar(stream) as report:
        assert report is not None
        report("people", 0.5)
    assert "people" in stream.getvalue()
    assert "50%" in stream.getvalue()


def test_piped_there_is_no_bar() -> None:
    stream = io.StringIO()
    with progress_bar(stream) as report:
        assert report is None
    assert stream.getvalue() == ""


def test_a_piped_generate_writes_no_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["data", "generate", "--out", str(tmp_path / "d"), "--scale", "0.001", "--days", "1"]
    with pytest.raises(SystemExit) as exited:
        main([*args, "--topics", "200", "--json"])
    assert exited.value.code == 0
    assert capsys.readouterr().err == ""

"""The `intent` dispatcher: every command answers --help, and only its own module is loaded."""

import subprocess
import sys

import pytest

from cli.main import TOP_LEVEL, main

NESTED = ["data generate", "data validate", "data ingest", "config validate", "db upgrade",
          "orgs create", "keys create", "keys list", "keys revoke"]  # fmt: skip


@pytest.mark.parametrize("command", [*TOP_LEVEL, *NESTED])
def test_every_command_answers_help_with_exit_zero(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command.split(), "--help"])
    assert exit_info.value.code == 0
    assert "usage: intent" in capsys.readouterr().out


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in TOP_LEVEL)


def test_unknown_command_exits_two_and_names_the_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_help_does_not_load_the_api_or_the_engine() -> None:
    code = (
        "import sys; from cli.main import build_parser; build_parser(''); "
        "print(any(m.startswith(('api', 'engine', 'litestar', 'duckdb')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

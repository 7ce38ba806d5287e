"""`intent config validate FILE`: check an audience config file, print its normalized form and hash.

With `--dataset DIR` topic ids are checked against that dataset and absent open values are warned.
"""

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cli.errors import CliError
from data.catalog import DatasetCatalog
from data.errors import DatasetError
from engine.config import (
    AudienceConfig,
    config_hash,
    open_value_warnings,
    parse_config,
    to_canonical,
)
from engine.config_filters import ValuesFilter
from engine.errors import ConfigError, Problem
from engine.filters import BY_KEY

T = TypeVar("T")


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    validate = commands.add_parser(
        "validate",
        help="check an audience config file",
        description="Print the normalized config and its configHash, or every problem; "
        "exit 1 when the config is invalid.",
    )
    validate.add_argument("file", type=Path, metavar="FILE", help="a JSON audience config")
    validate.add_argument("--dataset", type=Path, help="also check topics and values against it")
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    validate.set_defaults(handler=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    raw = read_config_file(args.file)
    catalog = DatasetCatalog(args.dataset) if args.dataset else None
    try:
        config = parse_config(raw, known_topic_ids=_dataset(catalog, DatasetCatalog.topic_ids))
    except ConfigError as exc:
        _print_invalid(args.file, exc.problems, as_json=args.json)
        return 1
    warnings = _dataset(catalog, lambda c: _warnings(config, c)) or []
    _print_valid(config, warnings, as_json=args.json)
    return 0


def _dataset(catalog: DatasetCatalog | None, read: Callable[[DatasetCatalog], T]) -> T | None:
    """`read(catalog)` when a dataset was given; its errors name the dataset's files."""
    if catalog is None:
        return None
    try:
        return read(catalog)
    except DatasetError as exc:
        raise CliError(f"--dataset: {exc}") from None


def read_config_file(path: Path) -> Any:
    """The parsed JSON of `path`; a missing or unreadable file is an error naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{path}: not JSON: {exc}") from None


def _warnings(config: AudienceConfig, catalog: DatasetCatalog) -> list[Problem]:
    specs = (BY_KEY[f.key] for f in config.filters if isinstance(f, ValuesFilter))
    columns = sorted({spec.column for spec in specs if spec.vocabulary is None})
    return open_value_warnings(config, catalog.value_counts(columns)) if columns else []


def _print_valid(config: AudienceConfig, warnings: list[Problem], *, as_json: bool) -> None:
    document = {
        "valid": True,
        "configHash": config_hash(config),
        "normalizedConfig": to_canonical(config),
        "warnings": [_problem_object(w) for w in warnings],
    }
    if as_json:
        print(json.dumps(document, ensure_ascii=False))
        return
    print(f"configHash: {document['configHash']}")
    print(json.dumps(document["normalizedConfig"], indent=2, sort_keys=True, ensure_ascii=False))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _print_invalid(path: Path, problems: list[Problem], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"valid": False, "problems": [_problem_object(p) for p in problems]}))
        return
    print(f"{path}: {len(problems)} problem(s)", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def _problem_object(problem: Problem) -> dict[str, str]:
    return {"field": problem.field, "message": problem.message}

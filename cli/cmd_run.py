"""`intent run` and `intent preview`: one audience config on one data date, from the command line.

`run` writes a snapshot directory (results.parquet, stats.json, manifest.json) to `--out`;
`preview` prints counts, breakdowns and a masked sample as JSON and writes nothing.
"""

import argparse
import json
import os
import secrets
import shutil
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Final

import pyarrow as pa

from cli.cmd_config import read_config_file
from cli.datasets import open_dataset
from cli.errors import CliError
from cli.progress import Report, progress_bar
from data.catalog import DatasetCatalog
from data.errors import DatasetError
from data.snapshots.files import base_manifest, write_snapshot_dir
from data.snapshots.store import StatsSource
from data.storage import Location, as_location
from engine.backends import library_errors
from engine.config import AudienceConfig, applied_filters, config_hash, parse_config
from engine.errors import ConfigError, EngineError
from engine.materialize import CHOICES, materialize
from engine.progress import stages_to
from engine.schema import MaterializeInput, MaterializeResult
from engine.stats import compute_stats
from jobs.progress import AFTER_ENGINE_STAGE, STARTS_AT, RunStage

MAX_SAMPLE: Final = 50
# What a broken dataset file or a failing backend raises while materializing, besides the errors
# of the engine libraries loaded by then (`library_errors()`, evaluated when one is caught).
FAILURES: Final = (DatasetError, EngineError, OSError)


def _failures() -> tuple[type[Exception], ...]:
    return (*FAILURES, *library_errors())


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add `run` and `preview` to `commands`; each sets `handler`."""
    run = commands.add_parser(
        "run",
        help="materialize one audience snapshot into a directory",
        description="Materialize a config on a data date and write results.parquet, stats.json "
        "and manifest.json into --out (only once everything succeeded).",
    )
    _common_arguments(run)
    run.add_argument("--out", type=Path, required=True, help="new or empty directory to write")
    run.add_argument("--json", action="store_true", help="print one JSON object")
    run.set_defaults(handler=run_snapshot)
    look = commands.add_parser(
        "preview",
        help="print counts, breakdowns and a masked sample as JSON",
        description="Preview a config on a data date without writing anything.",
    )
    _common_arguments(look)
    look.add_argument("--sample-size", type=int, default=10, help=f"1-{MAX_SAMPLE} (default 10)")
    look.set_defaults(handler=run_preview)


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, required=True, help="a JSON audience config")
    parser.add_argument(
        "--dataset",
        type=as_location,
        help="directory or s3://bucket/prefix (default INTENT_DATASET)",
    )
    parser.add_argument("--date", help="data date YYYY-MM-DD (default the latest complete one)")
    parser.add_argument("--backend", choices=CHOICES, default="auto", help="default auto")


@dataclass(frozen=True)
class Job:
    """A config resolved against a dataset: what both commands materialize."""

    catalog: DatasetCatalog
    config: AudienceConfig
    inputs: MaterializeInput


def run_snapshot(args: argparse.Namespace) -> int:
    out: Path = args.out
    _check_out(out)
    job = _resolve(args)
    with progress_bar() as report:
        result = _materialize(job, args.backend, report)
        extra = {
            "configHash": config_hash(job.config),
            "dataDate": job.inputs.data_date,
            "inputManifestDigest": job.catalog.manifest_digest(job.inputs.data_date),
        }
        manifest = base_manifest(result, run_id=str(uuid.uuid4()), attempt=1, extra=extra)
        if report is not None:
            report(RunStage.WRITING, STARTS_AT[RunStage.WRITING])
        written = _write_then_move(out, result, partial(compute_stats, result.table), manifest)
    _print_summary(written, out, as_json=args.json)
    return 0


def run_preview(args: argparse.Namespace) -> int:
    if not 1 <= args.sample_size <= MAX_SAMPLE:
        raise CliError(f"--sample-size must be 1-{MAX_SAMPLE}, got {args.sample_size}")
    from engine.preview import preview  # only `intent preview` needs it

    job = _resolve(args)
    try:
        found = preview(job.inputs, job.config, sample_size=args.sample_size, backend=args.backend)
    except _failures() as exc:
        raise CliError(f"preview of {job.inputs.data_date} failed: {exc}", exit_code=1) from None
    document = {
        "configHash": config_hash(job.config),
        **found.to_dict(),
        "appliedFilters": applied_filters(job.config),
    }
    print(json.dumps(document, ensure_ascii=False, default=str))
    return 0


def _resolve(args: argparse.Namespace) -> Job:
    """Dataset, date and config, each failure a message naming what is wrong."""
    raw = read_config_file(args.config)
    catalog = _catalog(args.dataset)
    try:
        date = args.date or _latest_date(catalog)
        inputs = catalog.resolve(date)
        config = parse_config(raw, known_topic_ids=catalog.topic_ids())
    except ConfigError as exc:
        problems = "\n".join(f"  {p}" for p in exc.problems)
        raise CliError(f"{args.config}: invalid config:\n{problems}", exit_code=1) from None
    except (DatasetError, OSError, pa.ArrowException) as exc:
        raise CliError(f"dataset {catalog.location}: {exc}") from None
    return Job(catalog, config, inputs)


def _catalog(dataset: Location | None) -> DatasetCatalog:
    return open_dataset(dataset)


def _latest_date(catalog: DatasetCatalog) -> str:
    date = catalog.latest_complete_date()
    if date is None:
        raise CliError(f"dataset {catalog.location}: no complete data date")
    return date


def _materialize(job: Job, backend: str, report: Report | None = None) -> MaterializeResult:
    """The result; `report` hears the engine's stages on the scale of a worker's run."""

    def stage_ended(stage: str) -> None:
        following = AFTER_ENGINE_STAGE.get(stage)
        if report is not None and following is not None:
            report(following, STARTS_AT[following])

    try:
        if report is not None:
            report(RunStage.CANDIDATES, STARTS_AT[RunStage.CANDIDATES])
        with stages_to(stage_ended):
            return materialize(job.inputs, job.config, backend)
    except _failures() as exc:
        raise CliError(f"run on {job.inputs.data_date} failed: {exc}", exit_code=1) from None


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CliError(f"--out {out}: exists and is not an empty directory")


def _write_then_move(
    out: Path, result: MaterializeResult, stats: StatsSource, manifest: dict[str, Any]
) -> dict[str, Any]:
    """Write beside `out`, then rename into place: a failure leaves `out` as it was."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.partial-{secrets.token_hex(4)}")
    try:
        written = write_snapshot_dir(temporary, result, stats, manifest)
        if out.is_dir():
            out.rmdir()  # empty, checked before the run
        os.rename(temporary, out)
    except OSError as exc:
        raise CliError(f"--out {out}: cannot write: {exc}", exit_code=1) from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return written


def _print_summary(manifest: dict[str, Any], out: Path, *, as_json: bool) -> None:
    keys = ("runId", "dataDate", "configHash", "backend", "candidateCount", "resultCount")
    summary = {key: manifest[key] for key in keys} | {"timings": manifest["timings"]}
    if as_json:
        print(json.dumps({**summary, "out": str(out)}))
        return
    print(f"candidateCount: {summary['candidateCount']}")
    print(f"resultCount: {summary['resultCount']}")
    stages = ", ".join(f"{name} {sec:.3f}s" for name, sec in summary["timings"].items())
    print(f"timings: {stages}")
    print(f"wrote {out}")

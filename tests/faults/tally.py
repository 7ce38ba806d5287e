"""What a fault did to the runs: how many ended completed with their snapshot, how many were
completed more than once, how many were lost, and how long recovery took. Each fault test
prints the figures and records them as properties of its JUnit test case."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from data.metadata.models import Run
from engine.states import RunStatus
from jobs.deps import JobDeps


@dataclass(frozen=True)
class Tally:
    completed: int  # ended completed, with exactly one published snapshot
    duplicated: int  # completed by more than one attempt, or published more than once
    lost: int  # anything else: still queued or running, failed, or completed without a snapshot


def published(snapshots: Path | str, run_id: str) -> int:
    """How many snapshot directories hold the run (`<org>/<audience>/<run>`)."""
    return len(list(Path(snapshots).glob(f"*/*/{run_id}")))


def completions(logs: Sequence[Path], run_id: str) -> int:
    """How many attempts the workers' logs say completed the run."""
    pattern = re.compile(rf"run {re.escape(run_id)} attempt \d+ completed")
    return sum(len(pattern.findall(log.read_text(errors="replace"))) for log in logs)


def executions(logs: Sequence[Path], run_id: str) -> int:
    """How many attempts of the run the workers' logs say started."""
    pattern = re.compile(rf"run {re.escape(run_id)} attempt \d+ started")
    return sum(len(pattern.findall(log.read_text(errors="replace"))) for log in logs)


def tally(deps: JobDeps, runs: Sequence[Run], logs: Sequence[Path]) -> Tally:
    snapshots = [published(deps.settings.snapshots, run.id) for run in runs]
    done = [
        deps.store.get_run(run.id).status == RunStatus.COMPLETED and count == 1
        for run, count in zip(runs, snapshots, strict=True)
    ]
    twice = [
        count > 1 or completions(logs, run.id) > 1
        for run, count in zip(runs, snapshots, strict=True)
    ]
    return Tally(completed=sum(done), duplicated=sum(twice), lost=len(runs) - sum(done))


def report(
    record_property: Callable[[str, object], None],
    fault: str,
    recovery: float | None,
    counts: Tally,
) -> None:
    """Print and record the figures of one fault; `recovery` None means it never recovered."""
    took = "never" if recovery is None else f"{recovery:.2f} s"
    print(
        f"\n{fault}: time to recovery {took}; runs completed {counts.completed}, "
        f"duplicated {counts.duplicated}, lost {counts.lost}"
    )
    record_property("recovery_seconds", None if recovery is None else round(recovery, 2))
    record_property("runs_completed", counts.completed)
    record_property("runs_duplicated", counts.duplicated)
    record_property("runs_lost", counts.lost)

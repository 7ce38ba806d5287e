"""Every (from, to) pair of run states: the table allows exactly its pairs, and so do the stores."""

from collections.abc import Callable
from itertools import product
from typing import Any

import pytest

from data.metadata.models import Run
from data.metadata.steps import Step
from data.metadata.store import MetadataStore
from engine.states import (
    EXPORT_TRANSITIONS,
    TRANSITIONS,
    ExportStatus,
    InvalidTransition,
    RunStatus,
    check_export_transition,
    check_transition,
)
from tests.metadata.factories import at

PAIRS = list(product(RunStatus, RunStatus))
ALLOWED = [pair for pair in PAIRS if pair in TRANSITIONS]
FORBIDDEN = [pair for pair in PAIRS if pair not in TRANSITIONS]


def _name(pair: tuple[Any, Any]) -> str:
    return f"{pair[0]}->{pair[1]}"


def test_the_table_allows_five_changes() -> None:
    assert len(ALLOWED) == 5
    assert len(FORBIDDEN) == 20


@pytest.mark.parametrize("pair", ALLOWED, ids=_name)
def test_an_allowed_change_passes_the_check(pair: tuple[RunStatus, RunStatus]) -> None:
    check_transition(*pair)


@pytest.mark.parametrize("pair", FORBIDDEN, ids=_name)
def test_any_other_change_raises_invalid_transition(pair: tuple[RunStatus, RunStatus]) -> None:
    with pytest.raises(InvalidTransition) as raised:
        check_transition(*pair)
    assert (raised.value.current, raised.value.target) == pair


@pytest.mark.parametrize("pair", FORBIDDEN, ids=_name)
def test_a_store_step_cannot_describe_a_forbidden_change(
    pair: tuple[RunStatus, RunStatus],
) -> None:
    with pytest.raises(InvalidTransition):
        Step(pair[0], pair[1], None)


def _move(store: MetadataStore, run: Run, target: RunStatus) -> bool:
    """Ask `store` for the one operation that leads to `target`, fenced by the run's attempt."""
    if target == RunStatus.RUNNING:
        return store.claim_run(run.id, at(60), at(90)) is not None
    if target == RunStatus.COMPLETED:
        done: dict[str, Any] = {"candidate_count": 1, "result_count": 1, "snapshot_path": "s"}
        return store.complete_run(run.id, run.attempts, now=at(60), **done)
    if target == RunStatus.FAILED:
        return store.fail_run(run.id, run.attempts, "INTERNAL", "x", at(60))
    if target == RunStatus.QUEUED:
        return store.requeue_run(run.id, run.attempts, at(60))
    return store.cancel_run(run.id, at(60))


@pytest.mark.parametrize("pair", PAIRS, ids=_name)
def test_a_store_changes_a_run_exactly_when_the_table_allows_it(
    store: MetadataStore, run_in: Callable[..., Run], pair: tuple[RunStatus, RunStatus]
) -> None:
    run = run_in(pair[0])
    allowed = pair in TRANSITIONS
    assert _move(store, run, pair[1]) is allowed
    after = store.get_run(run.id)
    assert after is not None
    assert after.status == (pair[1] if allowed else pair[0])


EXPORT_PAIRS = list(product(ExportStatus, ExportStatus))


def test_the_export_table_allows_finishing_and_rebuilding_a_failed_export_only() -> None:
    allowed = {pair for pair in EXPORT_PAIRS if pair in EXPORT_TRANSITIONS}
    assert allowed == {
        (ExportStatus.PROCESSING, ExportStatus.COMPLETED),
        (ExportStatus.PROCESSING, ExportStatus.FAILED),
        (ExportStatus.FAILED, ExportStatus.PROCESSING),
    }


@pytest.mark.parametrize(
    "pair", [p for p in EXPORT_PAIRS if p not in EXPORT_TRANSITIONS], ids=_name
)
def test_any_other_export_change_raises_invalid_transition(
    pair: tuple[ExportStatus, ExportStatus],
) -> None:
    with pytest.raises(InvalidTransition, match="an export cannot go"):
        check_export_transition(*pair)

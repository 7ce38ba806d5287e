"""Diffs of two runs over HTTP: counts, pages and CSV of the people who entered or exited equal
the set differences of the two snapshots' person ids; runs of another audience are 404."""

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from data.metadata.models import Audience, AudienceId, OrgId, RunId
from data.snapshots import SnapshotKey
from data.snapshots.store import PreviousRun
from tests.api.factories import Api, Tenant
from tests.metadata import factories
from tests.snapshots.factories import make_result, make_row, table_of

Person = tuple[int, int]  # person id, score
MakeRun = Callable[..., str]

# Ranked by score, ties broken by person id (the engine's order). People 1-3 and 7 stay (at
# other ranks), 4-6 exit, 8-11 enter; 2, 7, 9 and 10 tie on 80 in the newer run.
OLDER: list[Person] = [(1, 95), (4, 90), (2, 90), (5, 85), (3, 70), (6, 70), (7, 60)]
NEWER: list[Person] = [(3, 99), (2, 80), (7, 80), (9, 80), (10, 80), (1, 75), (8, 66), (11, 50)]


def snapshot_table(people: list[Person]) -> pa.Table:
    rows = [
        make_row(
            rank,
            personId=person,
            hashedEmail=f"h{person}",
            intent={"score": score, "topicOverlap": 1, "matchedTopics": []},
        )
        for rank, (person, score) in enumerate(people, start=1)
    ]
    return table_of(rows)


@pytest.fixture
def audience(api: Api, tenant: Tenant) -> Audience:
    found = api.store.get_audience(OrgId(tenant.org_id), AudienceId(api.audience(tenant)["id"]))
    assert found is not None
    return found


@pytest.fixture
def make_run(api: Api, audience: Audience) -> MakeRun:
    """A run of `people` stored as completed for `data_date`; its id."""

    def make(
        people: list[Person],
        data_date: str,
        parent: Audience = audience,
        previous: str | None = None,
    ) -> str:
        run = factories.run(parent, data_date=data_date, created_at=api.clock())
        assert api.store.insert_run(run)
        assert api.store.claim_run(run.id, api.clock(), api.clock()) is not None
        key = SnapshotKey(run.organization_id, run.audience_id, run.id)
        result = make_result(snapshot_table(people))
        stored = None if previous is None else api.store.get_run(RunId(previous))
        against = (
            None if stored is None else PreviousRun(stored.id, Path(str(stored.snapshot_path)))
        )
        ref = api.deps.snapshots.publish(
            key, result, attempt=1, stats={}, manifest_extra={}, previous=against
        )
        done = api.store.complete_run(
            run.id,
            1,
            candidate_count=len(people),
            result_count=len(people),
            snapshot_path=str(ref.path),
            now=api.clock(),
        )
        assert done
        api.clock.advance(1)
        return str(run.id)

    return make


def get(api: Api, tenant: Tenant, audience: Audience, run_id: str, tail: str) -> Any:
    return api.client.get(api.run_url(audience.id, run_id, tail), headers=tenant.headers)


def people_of(rows: list[dict[str, Any]]) -> list[int]:
    return [int(row["hashedEmail"].removeprefix("h")) for row in rows]


def entered_exited(newer: list[Person], older: list[Person]) -> tuple[list[int], list[int]]:
    """The set differences, each in its run's rank order."""
    new, old = [p for p, _ in newer], [p for p, _ in older]
    return [p for p in new if p not in old], [p for p in old if p not in new]


def test_counts_are_the_set_differences_of_person_ids(
    api: Api, tenant: Tenant, audience: Audience, make_run: MakeRun
) -> None:
    older = make_run(OLDER, "2026-11-26")
    newer = make_run(NEWER, "2026-11-27")
    reply = get(api, tenant, audience, newer, f"/diff?against={older}")
    assert reply.status_code == 200, reply.text
    data = reply.json()["data"]
    entered, exited = entered_exited(NEWER, OLDER)
    assert (data["entered"], data["exited"], data["stayed"]) == (len(entered), len(exited), 4)
    assert (data["run"]["id"], data["against"]["id"]) == (newer, older)
    assert reply.json()["meta"]["request_id"]


def test_pages_hold_the_people_who_entered_and_exited_in_rank_order(
    api: Api, tenant: Tenant, audience: Audience, make_run: MakeRun
) -> None:
    older = make_run(OLDER, "2026-11-26")
    newer = make_run(NEWER, "2026-11-27")
    entered, exited = entered_exited(NEWER, OLDER)
    for side, people in (("entered", entered), ("exited", exited)):
        seen: list[int] = []
        for offset in range(0, 5, 2):
            url = f"/diff/{side}?against={older}&limit=2&offset={offset}"
            data = get(api, tenant, audience, newer, url).json()["data"]
            assert (data["total"], data["limit"], data["offset"]) == (len(people), 2, offset)
            seen += people_of(data["results"])
        assert seen == people


def test_rows_have_the_shape_of_results(
    api: Api, tenant: Tenant, audience: Audience, make_run: MakeRun
) -> None:
    older = make_run(OLDER, "2026-11-26")
    newer = make_run(NEWER, "2026-11-27")
    whole = get(api, tenant, audience, newer, "/results?limit=100").json()["data"]["results"]
    by_person = {people_of([row])[0]: row for row in whole}
    rows = get(api, tenant, audience, newer, "/diff/entered").json()["data"]["results"]
    assert rows == [by_person[person] for person in people_of(rows)]
    old = get(api, tenant, audience, older, "/results?limit=100").json()["data"]["results"]
    exited = get(api, tenant, audience, newer, "/diff/exited").json()["data"]["results"]
    assert exited == [row for row in old if people_of([row])[0] in (4, 5, 6)]


def test_without_against_the_previous_data_date_is_used(
    api: Api, tenant: Tenant, audience: Audience, make_run: MakeRun
) -> None:
    make_run(NEWER, "2026-11-25")
    previous = make_run(OLDER, "2026-11-26")
    newer = make_run(NEWER, "2026-11-27")
    make_run(OLDER, "2026-11-27")  # the same date is not earlier
    data = get(api, tenant, audience, newer, "/diff").json()["data"]
    assert data["against"]["id"] == previous
    assert (data["entered"], data["exited"], data["stayed"]) == (4, 3, 4)


def test_no_previous_run_is_404_no_previous_run(
    api: Api, tenant: Tenant, audience: Audience, make_run: MakeRun
) -> None:
    only = make_run(NEWER, "2026-11-27")
    for tail in ("/diff", "/diff/entered", "/diff/exited/export.csv"):
        reply = get(api, tenant, audience, only, tail)
        assert reply.status_code == 404
        assert reply.json()["error"]["code"] == "NO_PREVIOUS_RUN"


def test_a_run_of_another_audience_or_organization_is_404(
    api: Api, tenant: Tenant, audience: Audience, make_run: MakeRun
) -> None:
    newer = make_run(NEWER, "2026-11-27")
    other = api.store.get_audience(
        OrgId(tenant.org_id), AudienceId(api.audience(tenant, name="Other")["id"])
    )
    assert other is not None
    foreign = make_run(OLDER, "2026-11-26", parent=other)
    for tail in ("/diff", "/diff/entered", "/diff/exited/export.csv"):
        reply = get(api, tenant, audience, newer, f"{tail}?against={foreign}")
        assert reply.status_code == 404
        assert reply.json()["error"]["code"] == "NOT_FOUND"
    stranger = api.tenant()
    older = make_run(OLDER, "2026-11-26")
    reply = get(api, stranger, audience, newer, f"/diff?against={older}")
    assert reply.json()["error"]["code"] == "NOT_FOUND"
    # a run of another audience is never the default previous run either
    assert get(api, tenant, audience, newer, "/diff").json()["data"]["against"]["id"] == older


def test_a_run_not_completed_is_409_not_servable(
    api: Api, tenant: Tenant, audience: Audience, make_run: MakeRun
) -> None:
    newer = make_run(NEWER, "2026-11-27")
    queued = factories.run(audience, data_date="2026-11-26")
    assert api.store.insert_run(queued)
    cancelled = factories.run(audience, data_date="2026-11-26")
    assert api.store.insert_run(cancelled)
    assert api.store.cancel_run(cancelled.id, api.clock())
    for pair in ((newer, queued.id), (newer, cancelled.id), (queued.id, newer)):
        reply = get(api, tenant, audience, pair[0], f"/diff?against={pair[1]}")
        assert reply.status_code == 409
        assert reply.json()["error"]["code"] == "RUN_NOT_SERVABLE"


def test_csv_streams_the_people_who_entered_and_exited(
    api: Api, tenant: Tenant, audience: Audience, make_run: MakeRun
) -> None:
    older = make_run(OLDER, "2026-11-26")
    newer = make_run(NEWER, "2026-11-27")
    entered, exited = entered_exited(NEWER, OLDER)
    whole = get(api, tenant, audience, newer, "/export.csv").text.splitlines()
    for side, people in (("entered", entered), ("exited", exited)):
        reply = get(api, tenant, audience, newer, f"/diff/{side}/export.csv?against={older}")
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "text/csv; charset=utf-8"
        assert reply.headers["x-export-row-count"] == str(len(people))
        assert reply.text.splitlines()[0] == whole[0]
        rows = list(csv.DictReader(io.StringIO(reply.text)))
        assert [int(row["hashedEmail"].removeprefix("h")) for row in rows] == people


def test_a_diff_with_nobody_entering_has_an_empty_page_and_a_header_only_csv(
    api: Api, tenant: Tenant, audience: Audience, make_run: MakeRun
) -> None:
    older = make_run(OLDER, "2026-11-26")
    newer = make_run(OLDER[:3], "2026-11-27")
    data = get(api, tenant, audience, newer, "/diff/entered").json()["data"]
    assert (data["results"], data["total"]) == ([], 0)
    text = get(api, tenant, audience, newer, f"/diff/entered/export.csv?against={older}").text
    assert len(text.splitlines()) == 1


def test_the_diff_stored_at_publish_answers_for_the_previous_run(
    api: Api, tenant: Tenant, audience: Audience, make_run: MakeRun
) -> None:
    older = make_run(OLDER, "2026-11-26")
    newer = make_run(NEWER, "2026-11-27", previous=older)
    stored = api.store.get_run(RunId(older))
    assert stored is not None
    (Path(str(stored.snapshot_path)) / "results.parquet").unlink()  # nothing left to compute from
    data = get(api, tenant, audience, newer, "/diff").json()["data"]
    assert (data["against"]["id"], data["entered"], data["exited"], data["stayed"]) == (
        older,
        4,
        3,
        4,
    )
    entered = get(api, tenant, audience, newer, "/diff/entered").json()["data"]["results"]
    assert people_of(entered) == entered_exited(NEWER, OLDER)[0]

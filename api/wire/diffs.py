"""Run diffs on the wire: the counts of a diff, and pages of the rows that entered or exited."""

import msgspec

from api.wire.common import Meta
from api.wire.results import ResultRow
from jobs.wire import RunOut


class DiffOut(msgspec.Struct):
    """Who entered (in `run`, not in `against`), exited (in `against`, not in `run`) and stayed,
    people matched by person id."""

    run: RunOut
    against: RunOut
    entered: int
    exited: int
    stayed: int


class DiffEnvelope(msgspec.Struct):
    data: DiffOut
    meta: Meta


class DiffPage(msgspec.Struct):
    """A page of entered or exited people: rows of `run` (entered) or of `against` (exited),
    in the same shape as a page of results and in that snapshot's rank order."""

    run: RunOut
    against: RunOut
    results: list[ResultRow]
    total: int
    limit: int
    offset: int


class DiffPageEnvelope(msgspec.Struct):
    data: DiffPage
    meta: Meta


class EncodedDiffPage(msgspec.Struct):
    """A `DiffPage` whose rows are JSON already: the same bytes on the wire."""

    run: RunOut
    against: RunOut
    results: msgspec.Raw  # a JSON array of ResultRow
    total: int
    limit: int
    offset: int


class EncodedDiffPageEnvelope(msgspec.Struct):
    data: EncodedDiffPage
    meta: Meta

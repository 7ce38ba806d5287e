"""Row checks: nulls, ranges, vocabularies, duplicates and references, as DuckDB queries.

Each check reads a view with the contract columns plus `filename`, so the same checks serve the
validator (views over Parquet files) and ingest (views over the tables about to be written).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from data import duck
from data.validation.report import Problem, error
from engine.vocab import FIXED_VOCABULARIES, TOPIC_TYPES

SCORE_RANGE = (0, 99)


@dataclass(frozen=True)
class RowRule:
    """A per-row condition: `bad` is a SQL predicate, `sample` shows an offending value."""

    column: str
    bad: str
    message: str  # formatted with {count}
    sample: str | None = None


def null_rule(column: str) -> RowRule:
    return RowRule(column, f"{duck.ident(column)} IS NULL", f"{{count}} rows with a null {column}")


def vocabulary_rule(column: str, values: Sequence[str]) -> RowRule:
    name = duck.ident(column)
    bad = f"{name} IS NOT NULL AND {name} NOT IN {duck.in_list(values)}"
    return RowRule(column, bad, f"{{count}} rows with {column} outside its fixed vocabulary", name)


TOPIC_RULES = (null_rule("topic_id"), vocabulary_rule("type", TOPIC_TYPES))
PEOPLE_RULES = (
    null_rule("person_id"),
    *(vocabulary_rule(column, values) for column, values in FIXED_VOCABULARIES.items()),
    RowRule(
        "hashed_email",
        "hashed_email IS NOT NULL AND NOT regexp_full_match(hashed_email, '[0-9a-f]{64}')",
        "{count} rows whose hashed_email is not 64 lower-case hex characters",
        "hashed_email",
    ),
)
INTENT_RULES = (
    null_rule("person_id"),
    null_rule("topic_id"),
    null_rule("score"),
    RowRule(
        "score",
        f"score < {SCORE_RANGE[0]} OR score > {SCORE_RANGE[1]}",
        f"{{count}} rows with score outside {SCORE_RANGE[0]}-{SCORE_RANGE[1]}",
        "score",
    ),
)


def parquet_view(
    con: duck.Connection, name: str, files: Sequence[Path], columns: Sequence[str]
) -> None:
    """Create view `name` over `files` with `columns` and the `filename` of each row."""
    selected = ", ".join(duck.ident(column) for column in columns)
    source = duck.read_parquet(files, with_filename=True)
    con.execute(
        f"CREATE OR REPLACE VIEW {duck.ident(name)} AS SELECT {selected}, filename FROM {source}"
    )


def rule_problems(con: duck.Connection, view: str, rules: Sequence[RowRule]) -> list[Problem]:
    """Every rule evaluated in one scan of `view`, one problem per broken rule and file."""
    aggregates = ", ".join(_rule_aggregates(rule) for rule in rules)
    rows = con.execute(
        f"SELECT filename, {aggregates} FROM {duck.ident(view)} GROUP BY filename ORDER BY filename"
    ).fetchall()
    problems = []
    for filename, *results in rows:
        for index, rule in enumerate(rules):
            count, sample = results[2 * index], results[2 * index + 1]
            if count:
                problems.append(error(filename, rule.column, _message(rule.message, count, sample)))
    return problems


def duplicate_problems(con: duck.Connection, view: str, keys: Sequence[str]) -> list[Problem]:
    """Key values present more than once, reported against the first file holding each.

    The first query groups only the keys, which is all a valid dataset pays for; naming the
    files takes a second, costlier query that runs only when there are duplicates.
    """
    columns = ", ".join(duck.ident(key) for key in keys)
    present = " AND ".join(f"{duck.ident(key)} IS NOT NULL" for key in keys)
    grouped = f"FROM {duck.ident(view)} WHERE {present} GROUP BY {columns} HAVING count(*) > 1"
    [(count,)] = con.execute(f"SELECT count(*) FROM (SELECT {columns} {grouped})").fetchall()
    if not count:
        return []
    sample = " || '/' || ".join(f"CAST({duck.ident(key)} AS VARCHAR)" for key in keys)
    rows = con.execute(
        f"SELECT filename, count(*), min(sample) FROM ("
        f" SELECT min(filename) AS filename, {sample} AS sample {grouped}"
        f") GROUP BY filename ORDER BY filename"
    ).fetchall()
    label = f"({', '.join(keys)})" if len(keys) > 1 else keys[0]
    message = f"{{count}} duplicate {label} values"
    return [error(name, ", ".join(keys), _message(message, n, first)) for name, n, first in rows]


def orphan_problems(
    con: duck.Connection, view: str, column: str, reference: str, described: str
) -> list[Problem]:
    """Rows of `view` whose `column` value is absent from view `reference` (`described`)."""
    name = duck.ident(column)
    rows = con.execute(
        f"SELECT v.filename, count(*), min(v.{name}) FROM {duck.ident(view)} AS v"
        f" ANTI JOIN {duck.ident(reference)} AS r ON v.{name} = r.{name}"
        f" WHERE v.{name} IS NOT NULL GROUP BY v.filename ORDER BY v.filename"
    ).fetchall()
    message = f"{{count}} rows with a {column} not in {described}"
    return [error(file, column, _message(message, n, first)) for file, n, first in rows]


def _rule_aggregates(rule: RowRule) -> str:
    sample = f"CAST({rule.sample} AS VARCHAR)" if rule.sample else "NULL::VARCHAR"
    return f"count_if({rule.bad}), min(CASE WHEN {rule.bad} THEN {sample} END)"


def _message(template: str, count: int, sample: object) -> str:
    text = template.format(count=count)
    return text if sample is None else f"{text} (e.g. {sample!r})"


def check_topics(con: duck.Connection, view: str) -> list[Problem]:
    return rule_problems(con, view, TOPIC_RULES) + duplicate_problems(con, view, ["topic_id"])


def check_people(con: duck.Connection, view: str) -> list[Problem]:
    return rule_problems(con, view, PEOPLE_RULES) + duplicate_problems(con, view, ["person_id"])


@dataclass(frozen=True)
class References:
    """The views intent rows must refer to; None when that table could not be read."""

    topics: str | None
    people: str | None
    people_label: str = "the people table"


def check_intent(con: duck.Connection, view: str, references: References) -> list[Problem]:
    problems = rule_problems(con, view, INTENT_RULES)
    problems += duplicate_problems(con, view, ["person_id", "topic_id"])
    if references.topics is not None:
        problems += orphan_problems(con, view, "topic_id", references.topics, "the topics table")
    if references.people is not None:
        problems += orphan_problems(
            con, view, "person_id", references.people, references.people_label
        )
    return problems

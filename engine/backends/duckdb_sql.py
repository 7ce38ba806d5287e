"""DESIGN section 3 written as DuckDB SQL: the matched-row predicate, ICP filters, result rows.

Filter values are inlined as escaped literals (constants let DuckDB push predicates into the
parquet scan); column names come from the filter catalog; the people table is aliased `p`.
"""

from engine.backends.folding import (
    NAME_SEPARATOR,
    Lower,
    TermMatch,
    TitleMatcher,
    fold_steps,
    folded_values,
    pruning_ranges,
    raw_variants,
    regex_alternation,
    title_matcher,
)
from engine.config import AudienceConfig
from engine.config_filters import BoolFilter, Filter, TextFilter, ValuesFilter
from engine.filters import BY_KEY, FilterKind, FilterSpec
from engine.vocab import DECISION_MAKERS


def sql_string(value: str) -> str:
    """A SQL string literal (standard SQL: a quote is escaped by doubling it)."""
    return "'" + value.replace("'", "''") + "'"


def wanted_topics(config: AudienceConfig, alias: str = "") -> str:
    """Topic ids are ints, so they are written inline."""
    topics = ", ".join(str(int(topic)) for topic in config.topic_ids)
    return f"{alias}{'.' if alias else ''}topic_id IN ({topics})"


def matched_rows(config: AudienceConfig, alias: str = "") -> str:
    """The intent predicate of DESIGN section 3 step 1."""
    low, high = int(config.min_score), int(config.max_score)
    score = f"{alias}{'.' if alias else ''}score"
    return f"{wanted_topics(config, alias)} AND {score} BETWEEN {low} AND {high}"


def folded(expr: str, against: tuple[str, ...]) -> str:
    """`folding.fold` in SQL of an expression compared with `against` (`folding.fold_steps`:
    DuckDB lower-cases "İ" to a plain "i", so the expansion step stays)."""
    for step in fold_steps(against):
        if step is Lower.LOWER:
            expr = f"lower({expr})"
        else:
            expr = f"replace({expr}, {sql_string(step.old)}, {sql_string(step.new)})"
    return expr


def fold_in(column: str, values: tuple[str, ...]) -> str:
    """Whether the column's fold is one of `values`: its raw forms when they are few."""
    raw = raw_variants(values)
    if raw is not None:
        return _any_of(column, raw)
    return _any_of(folded(column, values), values)


def icp_filters(config: AudienceConfig) -> list[str]:
    """One parenthesized SQL predicate per ICP filter, in config order."""
    return [f"({filter_sql(f)})" for f in config.filters]


def all_filters(config: AudienceConfig) -> str:
    return " AND ".join(icp_filters(config)) or "true"


def filter_sql(f: Filter) -> str:
    spec = BY_KEY[f.key]
    column = f'p."{spec.column}"'
    if isinstance(f, ValuesFilter):
        return _values(f, spec)
    if isinstance(f, BoolFilter):
        return _boolean(f, spec.kind, column)
    include = _text_match(f, column)
    if spec.kind is FilterKind.TEXT_EXCLUDE:
        return f"{column} IS NULL OR NOT ({include})"
    return include


def _any_of(expr: str, values: tuple[str, ...]) -> str:
    if not values:
        return "false"
    return f"{expr} IN ({', '.join(sql_string(value) for value in values)})"


def _values(f: ValuesFilter, spec: FilterSpec) -> str:
    column = f'p."{spec.column}"'
    if spec.kind is FilterKind.DOMAINS:
        domains = folded_values(f.values, domain=True)
        bare = f"regexp_replace({folded(column, domains)}, '^www\\.', '')"
        return _any_of(bare, domains)
    values = folded_values(f.values)
    exact = fold_in(column, values)
    ranges = pruning_ranges(spec.column, values)
    if not ranges:
        return exact
    within = (f"{column} BETWEEN {sql_string(low)} AND {sql_string(high)}" for low, high in ranges)
    return f"({' OR '.join(within)}) AND {exact}"


def _boolean(f: BoolFilter, kind: FilterKind, column: str) -> str:
    if kind is FilterKind.DECISION_MAKER:
        makers = fold_in(column, folded_values(tuple(DECISION_MAKERS)))
        return makers if f.value else f"{column} IS NULL OR NOT ({makers})"
    if f.value:
        return f"{column} IS NOT NULL AND {column} <> ''"
    return f"{column} IS NULL OR {column} = ''"


def _text_match(f: TextFilter, column: str) -> str:
    matcher = title_matcher(f)
    return f"{column} IS NOT NULL AND ({_title_test(folded(column, matcher.terms), matcher)})"


def _title_test(subject: str, matcher: TitleMatcher) -> str:
    match matcher.kind:
        case TermMatch.EQUALS_ANY:
            return _any_of(subject, matcher.terms)
        case TermMatch.CONTAINS_ANY | TermMatch.PREFIX_ANY:
            anchored = matcher.kind is TermMatch.PREFIX_ANY
            pattern = regex_alternation(matcher.terms, anchored=anchored)
            return f"regexp_matches({subject}, {sql_string(pattern)})"
        case TermMatch.CONTAINS_ALL:
            # Longest first: a conjunction tests each later term only on the rows still passing.
            terms = (f"contains({subject}, {sql_string(term)})" for term in matcher.terms)
            return " AND ".join(terms) or "true"
        case TermMatch.NEVER:
            return "false"


_SPACE = sql_string(NAME_SEPARATOR)
FLAT_RESULT = f"""
    c.overlap, c.best, p.person_id, p.hashed_email, p.first_name, p.last_name,
    nullif(trim(concat_ws({_SPACE}, p.first_name, p.last_name), {_SPACE}), '') AS full_name,
    p.business_email, p.personal_email,
    CASE WHEN p.personal_email <> '' THEN p.personal_email ELSE p.business_email END AS email,
    CASE WHEN p.business_email <> '' THEN p.business_email ELSE p.personal_email END
        AS primary_contact_email,
    p.phone, p.linkedin_url, p.headline, p.job_title, p.seniority, p.department,
    p.company_name, p.company_domain, p.company_industry, p.company_industry_group,
    p.company_size, p.company_revenue_range, p.city, p.state, p.country, p.age_range, p.gender
"""


def candidates_query(config: AudienceConfig) -> str:
    """Persons with enough matched topics: person_id, overlap, best (the max matched score)."""
    return f"""
        SELECT person_id, count(*)::SMALLINT AS overlap, max(score)::TINYINT AS best
        FROM read_parquet($intent) WHERE {matched_rows(config)}
        GROUP BY person_id HAVING count(*) >= {int(config.min_topic_overlap)}
    """


def passing_query(config: AudienceConfig) -> str:
    """Ids of the `candidates` that pass every ICP filter, read from the id and filter columns.

    Filtering first keeps the wide columns out of that pass: the results query then decodes them
    only for the pages that hold passing people. Value and yes/no filters are tested in the
    people scan, where their raw ranges prune row groups; job-title filters only on the
    candidates that joined (DuckDB would push them into the scan and match every person's title).
    """
    scanned = " AND ".join(f"({filter_sql(f)})" for f in config.filters if not _late(f))
    late = [f for f in config.filters if _late(f)]
    if not late:
        return f"""
            SELECT p.person_id
            FROM candidates AS c JOIN read_parquet($people) AS p ON p.person_id = c.person_id
            WHERE {scanned or "true"}
        """
    columns = "".join(sorted({f', p."{BY_KEY[f.key].column}"' for f in late}))
    return f"""
        WITH joined AS MATERIALIZED (
            SELECT p.person_id{columns}
            FROM candidates AS c JOIN read_parquet($people) AS p ON p.person_id = c.person_id
            WHERE {scanned or "true"}
        )
        SELECT p.person_id FROM joined AS p
        WHERE {" AND ".join(f"({filter_sql(f)})" for f in late)}
    """


def _late(f: Filter) -> bool:
    """A filter tested after the candidates join: a job-title matcher, costly per row."""
    return isinstance(f, TextFilter)


def results_query() -> str:
    """Flat result rows (output.BACKEND_COLUMNS) of the `passing` ids, in rank order."""
    return f"""
        SELECT {FLAT_RESULT}
        FROM passing AS r
        JOIN candidates AS c ON c.person_id = r.person_id
        JOIN read_parquet($people) AS p ON p.person_id = r.person_id
        ORDER BY c.overlap DESC, c.best DESC, p.hashed_email ASC NULLS LAST, p.person_id ASC
    """


def matched_topics_query(config: AudienceConfig) -> str:
    """Matched-topic rows of the `ranks` relation's persons, by rank, score desc, topic id."""
    return f"""
        SELECT m.topic_id, tp.name, tp.type, tp.industry, tp.category, m.score
        FROM read_parquet($intent) AS m
        JOIN ranks AS r ON r.person_id = m.person_id
        LEFT JOIN (
            SELECT topic_id, name, type, industry, category FROM read_parquet($topics)
            WHERE {wanted_topics(config)}
        ) AS tp ON tp.topic_id = m.topic_id
        WHERE {matched_rows(config, "m")}
        ORDER BY r.rank, m.score DESC, m.topic_id
    """


def intent_counts_query(config: AudienceConfig) -> str:
    """One row: matched rows, matched persons, candidates."""
    return f"""
        WITH m AS MATERIALIZED (
            SELECT person_id FROM read_parquet($intent) WHERE {matched_rows(config)}
        )
        SELECT count(*), count(DISTINCT person_id),
            (SELECT count(*) FROM (SELECT person_id FROM m GROUP BY person_id
                                   HAVING count(*) >= {int(config.min_topic_overlap)}))
        FROM m
    """


def people_counts_query(config: AudienceConfig) -> str:
    """One row: candidates found in people, then per filter those passing it and all before."""
    predicates = icp_filters(config)
    counts = [
        f"count(*) FILTER (WHERE {' AND '.join(predicates[: i + 1])})"
        for i in range(len(predicates))
    ]
    return f"""
        SELECT {", ".join(["count(*)", *counts])}
        FROM candidates AS c JOIN read_parquet($people) AS p ON p.person_id = c.person_id
    """

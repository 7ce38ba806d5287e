"""DESIGN section 3 written as Polars expressions: the matched-row predicate, ICP filters and
the computed result columns (fullName, email, primaryContactEmail).
"""

import operator
from functools import reduce

import polars as pl

from engine.backends.folding import (
    NAME_SEPARATOR,
    WWW,
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
from engine.filters import BY_KEY, FilterKind
from engine.vocab import DECISION_MAKERS


def matched_rows(config: AudienceConfig) -> pl.Expr:
    wanted = pl.col("topic_id").is_in(list(config.topic_ids))
    return wanted & pl.col("score").is_between(config.min_score, config.max_score)


def folded(column: str, against: tuple[str, ...]) -> pl.Expr:
    """`folding.fold` of a column compared with `against` (`folding.fold_steps`: Polars already
    lower-cases "İ" to "i" + combining dot, as Python does)."""
    expr = pl.col(column)
    for step in fold_steps(against, lower_expands_dotted_i=True):
        if step is Lower.LOWER:
            expr = expr.str.to_lowercase()
        else:
            expr = expr.str.replace_all(step.old, step.new, literal=True)
    return expr


def fold_in(column: str, values: tuple[str, ...]) -> pl.Expr:
    """Whether the column's fold is one of `values`: its raw forms when they are few."""
    raw = raw_variants(values)
    if raw is not None:
        return pl.col(column).is_in(list(raw))
    return folded(column, values).is_in(list(values))


def icp_filters(config: AudienceConfig) -> list[tuple[str, pl.Expr]]:
    """(key, never-null boolean expression) per ICP filter, in config order."""
    return [(f.key, filter_expr(f).fill_null(False)) for f in config.filters]


def all_filters(config: AudienceConfig) -> pl.Expr:
    return pl.all_horizontal([pl.lit(True), *(expr for _, expr in icp_filters(config))])


def filter_expr(f: Filter) -> pl.Expr:
    spec = BY_KEY[f.key]
    if isinstance(f, ValuesFilter):
        return _values(f, spec.kind, spec.column)
    if isinstance(f, BoolFilter):
        return _boolean(f, spec.kind, spec.column)
    include = _text_match(f, spec.column)
    if spec.kind is FilterKind.TEXT_EXCLUDE:
        return pl.col(spec.column).is_null() | ~include
    return include


def _values(f: ValuesFilter, kind: FilterKind, column: str) -> pl.Expr:
    if kind is FilterKind.DOMAINS:
        domains = folded_values(f.values, domain=True)
        return folded(column, domains).str.strip_prefix(WWW).is_in(list(domains))
    values = folded_values(f.values)
    exact = fold_in(column, values)
    ranges = pruning_ranges(column, values)
    if not ranges:
        return exact
    within = [pl.col(column).is_between(pl.lit(low), pl.lit(high)) for low, high in ranges]
    return reduce(operator.or_, within) & exact


def _boolean(f: BoolFilter, kind: FilterKind, column: str) -> pl.Expr:
    value = pl.col(column)
    if kind is FilterKind.DECISION_MAKER:
        makers = fold_in(column, folded_values(tuple(DECISION_MAKERS)))
        return makers if f.value else value.is_null() | ~makers.fill_null(False)
    if f.value:
        return value.is_not_null() & (value != "")
    return value.is_null() | (value == "")


def _text_match(f: TextFilter, column: str) -> pl.Expr:
    """Never null: a null title matches no term."""
    matcher = title_matcher(f)
    matched = _title_test(folded(column, matcher.terms), matcher)
    return pl.col(column).is_not_null() & matched.fill_null(False)


def _title_test(subject: pl.Expr, matcher: TitleMatcher) -> pl.Expr:
    terms = list(matcher.terms)
    match matcher.kind:
        case TermMatch.EQUALS_ANY:
            return subject.is_in(terms)
        case TermMatch.CONTAINS_ANY:
            return subject.str.contains_any(terms)
        case TermMatch.PREFIX_ANY:
            return subject.str.contains(regex_alternation(matcher.terms, anchored=True))
        case TermMatch.CONTAINS_ALL if len(terms) > 1:
            # Every occurrence of every term in one pass; the title has all when each is found.
            found = subject.str.extract_many(terms, overlapping=True).list.n_unique()
            return found == len(terms)
        case TermMatch.CONTAINS_ALL:
            return subject.str.contains(terms[0], literal=True) if terms else pl.lit(True)
        case TermMatch.NEVER:
            return pl.lit(False)


def _first_present(preferred: str, fallback: str) -> pl.Expr:
    value = pl.col(preferred)
    return pl.when(value.is_not_null() & (value != "")).then(value).otherwise(pl.col(fallback))


def computed_columns() -> list[pl.Expr]:
    """full_name, email and primary_contact_email (output.BACKEND_COLUMNS)."""
    names = [pl.col("first_name"), pl.col("last_name")]
    joined = pl.concat_str(names, separator=NAME_SEPARATOR, ignore_nulls=True)
    trimmed = joined.str.strip_chars(NAME_SEPARATOR)
    return [
        pl.when(trimmed != "").then(trimmed).alias("full_name"),
        _first_present("personal_email", "business_email").alias("email"),
        _first_present("business_email", "personal_email").alias("primary_contact_email"),
    ]

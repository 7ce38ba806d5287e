"""The baseline: DESIGN section 3 written the obvious way in pandas, reading whole files.

It is what a data team would write first; the engine must beat it by at least 20x.
"""

import pandas as pd
import pyarrow.parquet as pq

from engine.config import AudienceConfig
from engine.config_filters import BoolFilter, TextFilter, ValuesFilter
from engine.filters import BY_KEY, FilterKind
from engine.schema import MaterializeInput
from engine.vocab import DECISION_MAKERS


def run(inputs: MaterializeInput, config: AudienceConfig) -> tuple[list[int], int]:
    """Ordered result person ids and the candidate count."""
    intent = pd.concat([pq.read_table(f).to_pandas() for f in inputs.intent_files])
    matched = intent[
        intent["topic_id"].isin(config.topic_ids)
        & intent["score"].between(config.min_score, config.max_score)
    ]
    per_person = matched.groupby("person_id").agg(
        topic_overlap=("topic_id", "nunique"), score=("score", "max")
    )
    candidates = per_person[per_person["topic_overlap"] >= config.min_topic_overlap]
    people = pd.concat([pq.read_table(f).to_pandas() for f in inputs.people_files])
    joined = candidates.reset_index().merge(people, on="person_id", how="inner")
    for f in config.filters:
        joined = joined[_mask(joined, f)]
    ordered = joined.sort_values(
        ["topic_overlap", "score", "hashed_email", "person_id"],
        ascending=[False, False, True, True],
    )
    return ordered["person_id"].tolist(), len(candidates)


def _mask(df: pd.DataFrame, f: ValuesFilter | BoolFilter | TextFilter) -> "pd.Series[bool]":
    spec = BY_KEY[f.key]
    col = df[spec.column].str.lower()
    if isinstance(f, ValuesFilter):
        if spec.kind is FilterKind.DOMAINS:
            col = col.str.removeprefix("www.")
        return col.isin(f.values).fillna(False).astype(bool)
    if isinstance(f, BoolFilter):
        if spec.kind is FilterKind.DECISION_MAKER:
            inside = col.isin(DECISION_MAKERS).fillna(False).astype(bool)
            return inside if f.value else ~inside
        present = (df[spec.column].fillna("") != "").astype(bool)
        return present if f.value else ~present
    return _text_mask(col, f)


def _text_mask(col: "pd.Series[str]", f: TextFilter) -> "pd.Series[bool]":
    tests = []
    for term in f.values:
        if f.operator == "equals":
            tests.append(col == term)
        elif f.operator == "startsWith":
            tests.append(col.str.startswith(term))
        else:
            tests.append(col.str.contains(term, regex=False))
    frame = pd.concat(tests, axis=1).fillna(False).astype(bool)
    hit = frame.all(axis=1) if f.mode == "all" else frame.any(axis=1)
    if BY_KEY[f.key].kind is FilterKind.TEXT_EXCLUDE:
        return ~hit
    return hit

"""The Polars peer: one lazy query per audience shape, sunk to Parquet.

`python -m benchmarks.peers.polars_query SHAPE DATASET DATE CONFIG_JSON OUT`
"""

import sys
from pathlib import Path

import polars as pl

from benchmarks.peers.layout import query

# The ICP filters of each audience shape of the mix (benchmarks/audiences.py).
FILTERS = {
    "selective": pl.col("company_industry")
    .str.to_lowercase()
    .is_in(["computer software", "information technology and services", "internet"])
    & pl.col("seniority").str.to_lowercase().is_in(["c_suite", "vp", "director"]),
    "overlap2": pl.lit(True),
    "twenty_topics": pl.col("company_size")
    .str.to_lowercase()
    .is_in(["51-200", "201-500", "501-1000"]),
    "no_filters": pl.lit(True),
    "job_title": pl.col("job_title").str.to_lowercase().str.contains("engineer", literal=True)
    | pl.col("job_title").str.to_lowercase().str.contains("manager", literal=True),
}


def present(column: str) -> pl.Expr:
    return pl.col(column).is_not_null() & (pl.col(column) != "")


def results(shape: str, dataset: Path, date: str, config_json: str) -> pl.LazyFrame:
    q = query(dataset, date, config_json)
    topics = pl.scan_parquet(q.topics_file).select(
        "topic_id", topicName="name", type="type", industry="industry", category="category"
    )
    candidates = (
        pl.scan_parquet(q.intent_glob, hive_partitioning=False)
        .filter(
            pl.col("topic_id").is_in(q.topic_ids),
            pl.col("score").is_between(q.min_score, q.max_score),
        )
        .join(topics, on="topic_id", how="left")
        .group_by("person_id")
        .agg(
            topic_overlap=pl.len(),
            best_score=pl.col("score").max(),
            matched_topics=pl.struct(
                topicId="topic_id", topicName="topicName", type="type", industry="industry",
                category="category", score="score",
            ).sort_by(["score", "topic_id"], descending=[True, False]),
        )
        .filter(pl.col("topic_overlap") >= q.min_overlap)
    )  # fmt: skip
    people = pl.scan_parquet(q.people_glob, hive_partitioning=False).filter(FILTERS[shape])
    full_name = pl.concat_str("first_name", "last_name", separator=" ", ignore_nulls=True)
    full_name = full_name.str.strip_chars(" ")
    return (
        candidates.join(people, on="person_id")
        .sort(
            ["topic_overlap", "best_score", "hashed_email", "person_id"],
            descending=[True, True, False, False],
            nulls_last=True,
        )
        .with_row_index("rank", offset=1)
        .select(
            "rank",
            personId="person_id", hashedEmail="hashed_email",
            firstName="first_name", lastName="last_name",
            fullName=pl.when(full_name != "").then(full_name),
            businessEmail="business_email", personalEmail="personal_email",
            email=pl.when(present("personal_email")).then("personal_email").otherwise("business_email"),
            primaryContactEmail=pl.when(present("business_email"))
            .then("business_email").otherwise("personal_email"),
            phone="phone", linkedinUrl="linkedin_url", headline="headline", jobTitle="job_title",
            seniority="seniority", department="department",
            company=pl.struct(
                name="company_name", domain="company_domain", industry="company_industry",
                industryGroup="company_industry_group", size="company_size",
                revenueRange="company_revenue_range",
            ),
            location=pl.struct("city", "state", "country"),
            demographics=pl.struct(ageRange="age_range", gender="gender"),
            intent=pl.struct(
                score="best_score", topicOverlap="topic_overlap", matchedTopics="matched_topics"
            ),
        )
    )  # fmt: skip


if __name__ == "__main__":
    shape, dataset, date, config_json, out = sys.argv[1:6]
    results(shape, Path(dataset), date, config_json).sink_parquet(out, compression="zstd")

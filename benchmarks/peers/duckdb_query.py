"""The DuckDB peer: one SQL query per audience shape, written to Parquet with COPY.

`python -m benchmarks.peers.duckdb_query SHAPE DATASET DATE CONFIG_JSON OUT`
"""

import sys
from pathlib import Path

import duckdb

from benchmarks.peers.layout import query

# The ICP filters of each audience shape of the mix (benchmarks/audiences.py), on people `p`.
FILTERS = {
    "selective": (
        "lower(p.company_industry) IN ('computer software', "
        "'information technology and services', 'internet') "
        "AND lower(p.seniority) IN ('c_suite', 'vp', 'director')"
    ),
    "overlap2": "true",
    "twenty_topics": "lower(p.company_size) IN ('51-200', '201-500', '501-1000')",
    "no_filters": "true",
    "job_title": (
        "(contains(lower(p.job_title), 'engineer') OR contains(lower(p.job_title), 'manager'))"
    ),
}

SQL = """
COPY (
WITH matched AS (
    SELECT i.person_id, i.topic_id, i.score, t.name, t.type, t.industry, t.category
    FROM read_parquet($intent, hive_partitioning = false) AS i
    LEFT JOIN read_parquet($topics) AS t USING (topic_id)
    WHERE list_contains($topic_ids, i.topic_id) AND i.score BETWEEN $min_score AND $max_score
),
candidates AS (
    SELECT person_id, count(*) AS topic_overlap, max(score) AS best_score,
           list({{'topicId': topic_id, 'topicName': name, 'type': type, 'industry': industry,
                 'category': category, 'score': score}} ORDER BY score DESC, topic_id)
               AS matched_topics
    FROM matched GROUP BY person_id HAVING count(*) >= $min_overlap
),
results AS (
    SELECT c.topic_overlap, c.best_score, c.matched_topics, p.*
    FROM candidates AS c JOIN read_parquet($people, hive_partitioning = false) AS p
        USING (person_id)
    WHERE {filters}
)
SELECT row_number() OVER (ORDER BY topic_overlap DESC, best_score DESC,
                          hashed_email ASC NULLS LAST, person_id) AS rank,
    person_id AS personId, hashed_email AS hashedEmail,
    first_name AS firstName, last_name AS lastName,
    nullif(trim(concat_ws(' ', first_name, last_name), ' '), '') AS fullName,
    business_email AS businessEmail, personal_email AS personalEmail,
    CASE WHEN personal_email <> '' THEN personal_email ELSE business_email END AS email,
    CASE WHEN business_email <> '' THEN business_email ELSE personal_email END
        AS primaryContactEmail,
    phone, linkedin_url AS linkedinUrl, headline, job_title AS jobTitle, seniority, department,
    {{'name': company_name, 'domain': company_domain, 'industry': company_industry,
     'industryGroup': company_industry_group, 'size': company_size,
     'revenueRange': company_revenue_range}} AS company,
    {{'city': city, 'state': state, 'country': country}} AS location,
    {{'ageRange': age_range, 'gender': gender}} AS demographics,
    {{'score': best_score, 'topicOverlap': topic_overlap, 'matchedTopics': matched_topics}}
        AS intent
FROM results ORDER BY rank
) TO '{out}' (FORMAT parquet, COMPRESSION zstd)
"""


def run(shape: str, dataset: Path, date: str, config_json: str, out: Path) -> None:
    q = query(dataset, date, config_json)
    sql = SQL.format(filters=FILTERS[shape], out=str(out).replace("'", "''"))
    params = {
        "intent": q.intent_glob,
        "topics": q.topics_file,
        "people": q.people_glob,
        "topic_ids": q.topic_ids,
        "min_score": q.min_score,
        "max_score": q.max_score,
        "min_overlap": q.min_overlap,
    }
    duckdb.connect().execute(sql, params)


if __name__ == "__main__":
    shape, dataset, date, config_json, out = sys.argv[1:6]
    run(shape, Path(dataset), date, config_json, Path(out))

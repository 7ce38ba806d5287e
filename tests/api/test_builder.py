"""The audience builder: filter catalog with counts, validate and preview."""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.catalog import DatasetCatalog
from engine.filters import MAX_FILTER_VALUES
from tests.api.conftest import DATA_END
from tests.api.factories import BASE, Api, ApiMaker, Tenant


def _filters(api: Api, tenant: Tenant) -> dict[str, dict[str, object]]:
    reply = api.client.get(f"{BASE}/audiences/filters", headers=tenant.headers)
    groups = reply.json()["data"]["groups"]
    return {f["key"]: f for group in groups for f in group["filters"]}


def test_filter_catalog_lists_every_key_with_type_and_operators(api: Api, tenant: Tenant) -> None:
    reply = api.client.get(f"{BASE}/audiences/filters", headers=tenant.headers)
    assert reply.json()["data"]["summary"] == {
        "defaultFieldLogic": "and",
        "maxTopicIds": 250,
        "maxValuesPerFilter": 500,
    }
    filters = _filters(api, tenant)
    assert filters["role.seniority"]["type"] == "multi_select"
    assert filters["contact.hasPhone"]["type"] == "boolean"
    assert filters["jobTitle.include"]["operators"] == ["contains", "equals", "startsWith"]
    assert filters["jobTitle.include"]["maxValues"] == 500
    assert len(filters) == 21


def test_filter_values_carry_counts_from_the_people_data(api: Api, tenant: Tenant) -> None:
    seniority = _filters(api, tenant)["role.seniority"]["values"]
    assert isinstance(seniority, list)
    assert sum(v["count"] for v in seniority) > 0
    assert {"value", "label", "count"} == set(seniority[0])


def _people(dataset: Path) -> pa.Table:
    catalog = DatasetCatalog(dataset)
    files = catalog.people_files(catalog.default_people_version())
    return pa.concat_tables(pq.read_table(path) for path in files)


@pytest.mark.parametrize(
    ("key", "column"),
    [
        ("contact.hasBusinessEmail", "business_email"),
        ("contact.hasPersonalEmail", "personal_email"),
        ("contact.hasPhone", "phone"),
        ("contact.hasLinkedin", "linkedin_url"),
    ],
)
def test_contact_filters_count_the_people_with_and_without_it(
    api: Api, tenant: Tenant, dataset: Path, key: str, column: str
) -> None:
    people = _people(dataset)
    present = sum(1 for value in people.column(column).to_pylist() if value)
    counts = {v["value"]: v["count"] for v in _filters(api, tenant)[key]["values"]}
    assert counts == {True: present, False: people.num_rows - present}
    assert 0 < present < people.num_rows


def test_validate_answers_the_normalized_config_and_its_hash(api: Api, tenant: Tenant) -> None:
    config = api.config(filters={"role": {"seniority": ["VP", "director"]}})
    reply = api.client.post(f"{BASE}/audiences/validate", json=config, headers=tenant.headers)
    data = reply.json()["data"]
    assert data["valid"] is True
    assert data["normalizedConfig"]["filters"] == {"role.seniority": {"values": ["director", "vp"]}}
    assert data["appliedFilters"][0]["key"] == "role.seniority"
    assert set(data["strategy"]) == {"backend", "shape"}
    assert data["configHash"] == api.audience(tenant, config=config)["configHash"]


def test_validate_warns_about_open_values_no_one_has(api: Api, tenant: Tenant) -> None:
    config = api.config(filters={"company.names": {"values": ["no such company zz"]}})
    reply = api.client.post(f"{BASE}/audiences/validate", json=config, headers=tenant.headers)
    assert reply.json()["data"]["warnings"][0]["field"] == "config.filters.company.names"


def test_invalid_config_is_400_with_every_problem(api: Api, tenant: Tenant) -> None:
    config = {"topicIds": [1], "minScore": 99, "maxScore": 60, "bogus": 1}
    reply = api.client.post(f"{BASE}/audiences/validate", json=config, headers=tenant.headers)
    assert reply.status_code == 400
    fields = {d["field"] for d in reply.json()["error"]["details"]}
    assert {"config.bogus", "config.minScore"} <= fields


def test_preview_counts_and_masks_a_sample_on_the_latest_date(api: Api, tenant: Tenant) -> None:
    reply = api.client.post(f"{BASE}/audiences/preview", json=api.config(), headers=tenant.headers)
    data = reply.json()["data"]
    assert data["dataDate"] == DATA_END.isoformat()
    assert data["candidateCount"] >= data["totalCount"] > 0
    assert len(data["sample"]) == min(10, data["totalCount"])
    row = data["sample"][0]
    assert not {"email", "businessEmail", "personalEmail", "primaryContactEmail", "phone"} & set(
        row
    )
    assert len(row["hashedEmail"]) == 19
    assert row["hashedEmail"].endswith("...")
    assert set(data["breakdowns"]) == {"industries", "seniorities", "departments", "countries"}


def test_preview_sample_size_is_capped_at_50(api: Api, tenant: Tenant) -> None:
    url = f"{BASE}/audiences/preview"
    ok = api.client.post(f"{url}?sampleSize=50", json=api.config(), headers=tenant.headers)
    over = api.client.post(f"{url}?sampleSize=51", json=api.config(), headers=tenant.headers)
    assert len(ok.json()["data"]["sample"]) == min(50, ok.json()["data"]["totalCount"])
    assert over.status_code == 400


def test_preview_without_a_complete_date_is_422(make_api: ApiMaker, tmp_path: Path) -> None:
    api = make_api(dataset=tmp_path / "empty")
    tenant = api.tenant()
    config = {"topicIds": [1]}
    reply = api.client.post(f"{BASE}/audiences/preview", json=config, headers=tenant.headers)
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "DATA_NOT_AVAILABLE"


def _title_filters(exclude: int) -> dict[str, object]:
    """Every job-title term the limits allow in include ("e" matches most titles) and `exclude`
    terms that match none."""
    fillers = [f"zq title term {i}" for i in range(MAX_FILTER_VALUES)]
    return {
        "jobTitle.include": {"values": ["e", *fillers[1:]]},
        "jobTitle.exclude": {"values": [f"xq title term {i}" for i in range(exclude)]},
    }


def test_the_most_job_title_terms_allowed_preview_and_run(api: Api, tenant: Tenant) -> None:
    config = api.config(filters=_title_filters(MAX_FILTER_VALUES))
    reply = api.client.post(f"{BASE}/audiences/preview", json=config, headers=tenant.headers)
    assert reply.status_code == 200, reply.text
    assert reply.json()["data"]["totalCount"] > 0
    audience_id, run_id = api.completed_run(tenant, config=config)
    run = api.client.get(api.run_url(audience_id, run_id), headers=tenant.headers).json()["data"]
    assert run["status"] == "completed"
    assert run["resultCount"] == reply.json()["data"]["totalCount"]


@pytest.mark.parametrize("route", ["/audiences/preview", "/audiences/validate", "/audiences"])
def test_one_job_title_term_more_is_400_naming_the_field(
    api: Api, tenant: Tenant, route: str
) -> None:
    config = api.config(filters=_title_filters(MAX_FILTER_VALUES + 1))
    body = {"name": "Too many titles", "config": config} if route == "/audiences" else config
    reply = api.client.post(f"{BASE}{route}", json=body, headers=tenant.headers)
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in error["details"]] == ["config.filters.jobTitle.exclude.values"]

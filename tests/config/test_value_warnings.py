"""Open-vocabulary values absent from the current data are warned about, never refused."""

from typing import Any

from engine.config import open_value_warnings, parse_config
from engine.errors import Problem
from tests.config.conftest import MakeRaw

KNOWN = {
    "company_industry": {"software": 10, "banking": 4},
    "company_domain": {"www.acme.com": 3, "beta.io": 1},
    "job_title": {"cfo": 2},
    "seniority": {"vp": 1},
}


def warnings_for(make_raw: MakeRaw, filters: dict[str, Any], **kwargs: Any) -> list[Problem]:
    return open_value_warnings(parse_config(make_raw(filters=filters)), KNOWN, **kwargs)


def test_value_in_the_data_gives_no_warning(make_raw: MakeRaw) -> None:
    assert warnings_for(make_raw, {"company.industries": ["Software"]}) == []


def test_value_absent_from_the_data_is_warned_with_its_field(make_raw: MakeRaw) -> None:
    assert warnings_for(make_raw, {"company.industries": ["software", "mining"]}) == [
        Problem("config.filters.company.industries", "no one in the current data has 'mining'")
    ]


def test_domain_matches_data_written_with_www(make_raw: MakeRaw) -> None:
    assert warnings_for(make_raw, {"company.domains": ["acme.com", "beta.io"]}) == []


def test_exact_job_title_absent_from_the_data_is_warned(make_raw: MakeRaw) -> None:
    warnings = warnings_for(make_raw, {"jobTitle.exact": ["ceo"]})
    assert [w.field for w in warnings] == ["config.filters.jobTitle.exact"]


def test_job_title_terms_are_not_values_and_are_never_warned(make_raw: MakeRaw) -> None:
    assert warnings_for(make_raw, {"jobTitle.include": ["chief"]}) == []


def test_fixed_vocabulary_values_are_never_warned(make_raw: MakeRaw) -> None:
    assert warnings_for(make_raw, {"role.seniority": ["director"]}) == []


def test_column_without_known_values_is_skipped(make_raw: MakeRaw) -> None:
    assert warnings_for(make_raw, {"location.countries": ["atlantis"]}) == []


def test_warning_paths_use_the_field_prefix(make_raw: MakeRaw) -> None:
    warnings = warnings_for(make_raw, {"company.industries": ["mining"]}, field_prefix="body")
    assert [w.field for w in warnings] == ["body.filters.company.industries"]

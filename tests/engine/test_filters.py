"""Every ICP filter key and operator (DESIGN section 3), on every backend."""

from typing import Any

import pytest

from engine.backends import Backend
from engine.config_filters import BoolFilter, Filter, TextFilter, ValuesFilter
from engine.filters import CATALOG, FilterKind, TextMode, TextOperator
from tests.engine.conftest import MakeInputs
from tests.engine.factories import config, person


@pytest.fixture
def make_inputs(make_stored_inputs: MakeInputs) -> MakeInputs:
    """Every filter on local disk and on the S3 server, where the people scan is narrowed to the
    filters' raw-value ranges first: those ranges must never drop a matching person."""
    return make_stored_inputs


VALUES_SPECS = [spec for spec in CATALOG if spec.kind is FilterKind.VALUES]
PRESENCE_SPECS = [spec for spec in CATALOG if spec.kind is FilterKind.PRESENCE]
TITLES = {1: "Chief Financial Officer", 2: "CFO", 3: "Financial Analyst", 4: None, 5: "VP Finance"}


def kept(
    backend: Backend, make_inputs: MakeInputs, column: str, values: dict[int, Any], *filters: Filter
) -> list[int]:
    """Ids of the people (one per entry of `values`, `column` set to it) that pass `filters`."""
    people = [person(p, **{column: value}) for p, value in values.items()]
    inputs = make_inputs(people=people, intent=[(p, 1, 80) for p in values])
    result = backend.materialize(inputs, config([1], *filters))
    return sorted(result.table.column("personId").to_pylist())


@pytest.mark.parametrize("spec", VALUES_SPECS, ids=lambda spec: spec.key)
def test_values_filter_matches_any_value_ignoring_case_and_never_null(
    backend: Backend, make_inputs: MakeInputs, spec: Any
) -> None:
    values = {1: "Alpha Beta", 2: "gamma", 3: None, 4: "alpha"}
    f = ValuesFilter(spec.key, ("alpha beta", "delta"))
    assert kept(backend, make_inputs, spec.column, values, f) == [1]


@pytest.mark.parametrize("spec", VALUES_SPECS, ids=lambda spec: spec.key)
def test_values_within_one_key_are_alternatives(
    backend: Backend, make_inputs: MakeInputs, spec: Any
) -> None:
    values = {1: "alpha", 2: "GAMMA", 3: "delta"}
    f = ValuesFilter(spec.key, ("alpha", "gamma"))
    assert kept(backend, make_inputs, spec.column, values, f) == [1, 2]


@pytest.mark.parametrize("wanted", ["acme.com", "www.acme.com", "WWW.ACME.COM"])
def test_domains_ignore_a_leading_www_on_both_sides(
    backend: Backend, make_inputs: MakeInputs, wanted: str
) -> None:
    values = {
        1: "WWW.Acme.com",
        2: "acme.com",
        3: "mail.acme.com",
        4: "wwwacme.com",
        5: None,
        6: "www.www.acme.com",
    }
    f = ValuesFilter("company.domains", (wanted.lower(),))
    assert kept(backend, make_inputs, "company_domain", values, f) == [1, 2]


@pytest.mark.parametrize(("wanted", "expected"), [(True, [1, 4]), (False, [2, 3])])
def test_decision_maker_is_seniority_in_the_set_and_null_counts_as_not(
    backend: Backend, make_inputs: MakeInputs, wanted: bool, expected: list[int]
) -> None:
    values = {1: "VP", 2: "manager", 3: None, 4: "owner"}
    f = BoolFilter("role.isDecisionMaker", wanted)
    assert kept(backend, make_inputs, "seniority", values, f) == expected


@pytest.mark.parametrize("spec", PRESENCE_SPECS, ids=lambda spec: spec.key)
@pytest.mark.parametrize(("wanted", "expected"), [(True, [1, 4]), (False, [2, 3])])
def test_presence_means_a_non_empty_string(
    backend: Backend, make_inputs: MakeInputs, spec: Any, wanted: bool, expected: list[int]
) -> None:
    values = {1: "x", 2: "", 3: None, 4: " "}
    f = BoolFilter(spec.key, wanted)
    assert kept(backend, make_inputs, spec.column, values, f) == expected


INCLUDE_CASES = [
    (TextOperator.CONTAINS, TextMode.ANY, ("financial",), [1, 3]),
    (TextOperator.CONTAINS, TextMode.ANY, ("analyst", "vp"), [3, 5]),
    (TextOperator.CONTAINS, TextMode.ALL, ("chief", "officer"), [1]),
    (TextOperator.CONTAINS, TextMode.ALL, ("chief", "analyst"), []),
    (TextOperator.EQUALS, TextMode.ANY, ("cfo", "vp"), [2]),
    (TextOperator.EQUALS, TextMode.ALL, ("cfo", "vp finance"), []),
    (TextOperator.STARTS_WITH, TextMode.ANY, ("vp", "cf"), [2, 5]),
    (TextOperator.STARTS_WITH, TextMode.ALL, ("chief", "chief fin"), [1]),
    (TextOperator.STARTS_WITH, TextMode.ANY, ("finance",), []),
]


@pytest.mark.parametrize(("operator", "mode", "terms", "expected"), INCLUDE_CASES)
def test_job_title_include_matches_by_operator_and_mode_and_never_null(
    backend: Backend,
    make_inputs: MakeInputs,
    operator: TextOperator,
    mode: TextMode,
    terms: tuple[str, ...],
    expected: list[int],
) -> None:
    f = TextFilter("jobTitle.include", terms, operator, mode)
    assert kept(backend, make_inputs, "job_title", TITLES, f) == expected


@pytest.mark.parametrize(("operator", "mode", "terms", "included"), INCLUDE_CASES)
def test_job_title_exclude_drops_what_include_keeps_and_keeps_null(
    backend: Backend,
    make_inputs: MakeInputs,
    operator: TextOperator,
    mode: TextMode,
    terms: tuple[str, ...],
    included: list[int],
) -> None:
    f = TextFilter("jobTitle.exclude", terms, operator, mode)
    expected = sorted(set(TITLES) - set(included))
    assert kept(backend, make_inputs, "job_title", TITLES, f) == expected


def test_job_title_include_and_exclude_apply_together(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    include = TextFilter("jobTitle.include", ("financ",))
    exclude = TextFilter("jobTitle.exclude", ("analyst",))
    assert kept(backend, make_inputs, "job_title", TITLES, include, exclude) == [1, 5]


def test_filters_on_different_keys_must_all_pass(backend: Backend, make_inputs: MakeInputs) -> None:
    people = [
        person(1, country="us", seniority="vp"),
        person(2, country="us", seniority="entry"),
        person(3, country="de", seniority="vp"),
    ]
    inputs = make_inputs(people=people, intent=[(p, 1, 80) for p in (1, 2, 3)])
    filters = (ValuesFilter("location.countries", ("us",)), ValuesFilter("role.seniority", ("vp",)))
    result = backend.materialize(inputs, config([1], *filters))
    assert result.table.column("personId").to_pylist() == [1]


def test_dotted_capital_i_matches_its_python_lower_case(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    values = {1: "İSTANBUL TEKSTİL", 2: "ISTANBUL TEKSTIL"}
    f = ValuesFilter("company.names", ("İstanbul Tekstİl".lower(),))
    assert kept(backend, make_inputs, "company_name", values, f) == [1]


@pytest.mark.parametrize("term", ["ΔΙΕΥΘΥΝΤΗΣ".lower(), "διευθυντησ"])
def test_final_sigma_and_plain_sigma_compare_equal(
    backend: Backend, make_inputs: MakeInputs, term: str
) -> None:
    values = {1: "ΔΙΕΥΘΥΝΤΗΣ ΠΩΛΗΣΕΩΝ", 2: "Διευθυντής", 3: "διευθυντης"}
    f = TextFilter("jobTitle.include", (term,), TextOperator.STARTS_WITH)
    assert kept(backend, make_inputs, "job_title", values, f) == [1, 3]

"""The filter catalog: every audience filter key, the people column it reads and how it matches.

Backends, the config parser and the API's `/audiences/filters` all read this one table.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from engine.vocab import FIXED_VOCABULARIES

# Config size limits: they keep the SQL, the compiled matchers and so every run and preview
# bounded. Job-title filters test all their terms with one matcher, whatever their number.
MAX_TOPICS: Final = 250  # distinct topic ids per config
MAX_FILTER_VALUES: Final = 500  # values (or terms) per filter


class FilterKind(StrEnum):
    VALUES = "values"  # column equal to any value (case-insensitive)
    DOMAINS = "domains"  # like VALUES, a leading "www." ignored on both sides
    DECISION_MAKER = "decision_maker"  # seniority in / not in DECISION_MAKERS
    PRESENCE = "presence"  # column present and non-empty (true) / absent or empty (false)
    TEXT_INCLUDE = "text_include"  # job title matches terms (operator, mode)
    TEXT_EXCLUDE = "text_exclude"  # drops rows TEXT_INCLUDE would keep; null kept


class TextOperator(StrEnum):
    CONTAINS = "contains"
    EQUALS = "equals"
    STARTS_WITH = "startsWith"


class TextMode(StrEnum):
    ANY = "any"
    ALL = "all"


@dataclass(frozen=True)
class FilterSpec:
    key: str  # dotted wire key, e.g. "company.industries"
    column: str  # people column
    kind: FilterKind
    label: str
    description: str

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def vocabulary(self) -> tuple[str, ...] | None:
        """Allowed values for fixed-vocabulary keys, None for open vocabularies."""
        if self.kind is not FilterKind.VALUES:
            return None
        return FIXED_VOCABULARIES.get(self.column)


def _spec(key: str, column: str, kind: FilterKind, label: str, description: str) -> FilterSpec:
    return FilterSpec(key, column, kind, label, description)


V, D, P = FilterKind.VALUES, FilterKind.DOMAINS, FilterKind.PRESENCE
CATALOG: Final[tuple[FilterSpec, ...]] = (
    _spec("company.industries", "company_industry", V, "Industry", "Company industry"),
    _spec("company.industryGroups", "company_industry_group", V, "Industry group",
          "Company industry group"),
    _spec("company.sizes", "company_size", V, "Company size", "Employee count band"),
    _spec("company.revenueRanges", "company_revenue_range", V, "Revenue", "Annual revenue band"),
    _spec("company.names", "company_name", V, "Company name", "Exact company name"),
    _spec("company.domains", "company_domain", D, "Company domain",
          "Company web domain; a leading www. is ignored"),
    _spec("role.seniority", "seniority", V, "Seniority", "Seniority level"),
    _spec("role.departments", "department", V, "Department", "Department"),
    _spec("role.isDecisionMaker", "seniority", FilterKind.DECISION_MAKER, "Decision maker",
          "Seniority is c_suite, vp, director, owner or partner"),
    _spec("jobTitle.include", "job_title", FilterKind.TEXT_INCLUDE, "Job title includes",
          "Job title matches the terms"),
    _spec("jobTitle.exclude", "job_title", FilterKind.TEXT_EXCLUDE, "Job title excludes",
          "Drops job titles that match the terms; people with no title are kept"),
    _spec("jobTitle.exact", "job_title", V, "Exact job title", "Job title equal to a value"),
    _spec("contact.hasBusinessEmail", "business_email", P, "Has business email", ""),
    _spec("contact.hasPersonalEmail", "personal_email", P, "Has personal email", ""),
    _spec("contact.hasPhone", "phone", P, "Has phone", ""),
    _spec("contact.hasLinkedin", "linkedin_url", P, "Has LinkedIn", ""),
    _spec("location.countries", "country", V, "Country", ""),
    _spec("location.states", "state", V, "State", ""),
    _spec("location.cities", "city", V, "City", ""),
    _spec("demographics.ageRanges", "age_range", V, "Age range", ""),
    _spec("demographics.genders", "gender", V, "Gender", ""),
)  # fmt: skip

BY_KEY: Final[dict[str, FilterSpec]] = {spec.key: spec for spec in CATALOG}

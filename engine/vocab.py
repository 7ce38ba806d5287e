"""Fixed vocabularies of the intent dataset (DESIGN section 2), the one place they are spelled."""

from typing import Final

SENIORITIES: Final = (
    "c_suite", "vp", "director", "manager", "senior",
    "entry", "owner", "partner", "training", "unpaid",
)  # fmt: skip
DECISION_MAKERS: Final = frozenset({"c_suite", "vp", "director", "owner", "partner"})
DEPARTMENTS: Final = (
    "marketing", "sales", "engineering", "finance", "operations", "human_resources", "legal",
    "customer_success", "product", "design", "it", "research", "education", "health", "media",
    "real_estate", "trades", "public_service",
)  # fmt: skip
COMPANY_SIZES: Final = (
    "1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+",
)  # fmt: skip
REVENUE_RANGES: Final = (
    "under 1 million", "1 million to 5 million", "5 million to 10 million",
    "10 million to 25 million", "25 million to 50 million", "50 million to 100 million",
    "100 million to 250 million", "250 million to 500 million", "500 million to 1 billion",
    "over 1 billion",
)  # fmt: skip
AGE_RANGES: Final = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
GENDERS: Final = ("female", "male")
TOPIC_TYPES: Final = ("b2b", "b2c")

# people column -> its fixed vocabulary; columns not listed here are open vocabularies.
FIXED_VOCABULARIES: Final[dict[str, tuple[str, ...]]] = {
    "seniority": SENIORITIES,
    "department": DEPARTMENTS,
    "company_size": COMPANY_SIZES,
    "company_revenue_range": REVENUE_RANGES,
    "age_range": AGE_RANGES,
    "gender": GENDERS,
}

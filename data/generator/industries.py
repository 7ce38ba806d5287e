"""Word lists of the company side: industries in their groups, company name parts, departments.

Industries and groups are the open vocabularies of `company_industry` and `company_industry_group`.
"""

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Group:
    """An industry group: its industries (with weights), company name suffixes, department boost."""

    name: str
    industries: tuple[tuple[str, float], ...]
    name_suffixes: tuple[str, ...]
    departments: tuple[tuple[str, float], ...]  # multipliers on BASE_DEPARTMENT_WEIGHTS
    tld: str = "com"


GROUPS: Final = (
    Group("technology",
          (("computer software", 6), ("information technology and services", 6),
           ("internet", 3), ("computer hardware", 1), ("semiconductors", 1),
           ("computer and network security", 2), ("telecommunications", 2)),
          ("systems", "software", "technologies", "labs", "networks", "digital", "cloud",
           "data", "analytics"),
          (("engineering", 3), ("it", 2), ("product", 3), ("design", 2))),
    Group("finance",
          (("banking", 3), ("financial services", 4), ("insurance", 3),
           ("investment management", 2), ("accounting", 2),
           ("venture capital and private equity", 1)),
          ("capital", "financial", "partners", "bank", "advisors", "investments", "assurance",
           "wealth"),
          (("finance", 4), ("legal", 1.5), ("sales", 1.2))),
    Group("healthcare",
          (("hospital and health care", 6), ("medical devices", 2), ("pharmaceuticals", 2),
           ("biotechnology", 2), ("health wellness and fitness", 2)),
          ("health", "medical", "therapeutics", "biosciences", "care", "clinic", "pharma",
           "diagnostics"),
          (("health", 8), ("research", 2))),
    Group("manufacturing",
          (("industrial automation", 2), ("machinery", 2), ("automotive", 3), ("chemicals", 1),
           ("electrical and electronic manufacturing", 2), ("aviation and aerospace", 1)),
          ("industries", "manufacturing", "engineering", "motors", "machinery", "materials",
           "components", "automation"),
          (("engineering", 2), ("operations", 2), ("trades", 3))),
    Group("consumer",
          (("retail", 5), ("consumer goods", 3), ("food and beverages", 3),
           ("apparel and fashion", 2), ("restaurants", 2), ("hospitality", 2)),
          ("brands", "foods", "goods", "apparel", "market", "stores", "kitchen", "hospitality"),
          (("sales", 2), ("operations", 1.5), ("customer_success", 1.5), ("marketing", 1.5))),
    Group("media and marketing",
          (("marketing and advertising", 4), ("media production", 1), ("publishing", 1),
           ("entertainment", 1), ("online media", 1)),
          ("media", "studios", "creative", "marketing", "publishing", "agency", "entertainment",
           "content"),
          (("marketing", 3), ("media", 6), ("design", 3))),
    Group("education",
          (("higher education", 3), ("education management", 2), ("e-learning", 1),
           ("primary and secondary education", 2)),
          ("academy", "learning", "institute", "college", "education", "school", "tutoring"),
          (("education", 10), ("research", 2)),
          "org"),
    Group("professional services",
          (("management consulting", 3), ("legal services", 2), ("law practice", 1),
           ("staffing and recruiting", 2), ("human resources", 2)),
          ("consulting", "strategies", "advisory", "law", "associates", "solutions", "talent",
           "counsel"),
          (("legal", 3), ("human_resources", 3), ("finance", 1.5))),
    Group("real estate and construction",
          (("real estate", 3), ("construction", 3), ("architecture and planning", 1),
           ("building materials", 1)),
          ("properties", "realty", "builders", "construction", "homes", "development",
           "architects", "estates"),
          (("real_estate", 6), ("trades", 3))),
    Group("public sector",
          (("government administration", 2), ("nonprofit organization management", 2),
           ("military", 1), ("public safety", 1)),
          ("foundation", "council", "alliance", "society", "services", "trust", "association",
           "league"),
          (("public_service", 8),),
          "org"),
    Group("transportation and logistics",
          (("logistics and supply chain", 3), ("transportation", 2), ("airlines", 1),
           ("maritime", 1)),
          ("logistics", "freight", "transport", "shipping", "express", "air", "lines", "cargo"),
          (("operations", 3), ("trades", 2))),
    Group("energy and utilities",
          (("oil and energy", 2), ("renewables and environment", 1), ("utilities", 1),
           ("mining and metals", 1)),
          ("energy", "power", "resources", "solar", "utilities", "mining", "petroleum",
           "renewables"),
          (("engineering", 2), ("trades", 3), ("operations", 1.5))),
)  # fmt: skip

BASE_DEPARTMENT_WEIGHTS: Final[dict[str, float]] = {
    "marketing": 8, "sales": 12, "engineering": 10, "finance": 6, "operations": 10,
    "human_resources": 4, "legal": 2, "customer_success": 4, "product": 3, "design": 2, "it": 5,
    "research": 2, "education": 3, "health": 4, "media": 2, "real_estate": 2, "trades": 4,
    "public_service": 2,
}  # fmt: skip

NAME_ROOTS: Final = (
    "bright", "north", "blue", "iron", "silver", "clear", "red", "green", "swift", "true",
    "high", "deep", "open", "first", "summit", "pine", "oak", "cedar", "river", "star", "sun",
    "sky", "ever", "bold", "prime", "harbor", "quantum", "nova", "apex", "vertex", "atlas",
    "orbit", "pioneer", "liberty", "eagle", "falcon", "lion", "wolf", "fox", "bear", "maple",
    "willow", "granite", "coral", "amber", "ruby", "jade", "onyx", "cobalt", "crimson",
    "golden", "arrow", "anchor", "beacon", "compass", "keystone", "meridian", "silk", "white",
    "east",
)  # fmt: skip
NAME_STEMS: Final = (
    "wave", "peak", "field", "bridge", "point", "line", "path", "gate", "forge", "view",
    "ridge", "brook", "wood", "stone", "light", "spark", "core", "scale", "shift", "sight",
    "mark", "well", "side", "land", "port", "bay", "vale", "rock", "fire", "wind", "water",
    "dale", "ford", "haven", "crest", "grove",
)  # fmt: skip
NAME_QUALIFIERS: Final = (
    "group", "holdings", "international", "global", "inc", "co", "america", "worldwide",
)  # fmt: skip

# Company size buckets (engine.vocab.COMPANY_SIZES order): share of companies, and how many
# people of the dataset a company of that size contributes on average.
SIZE_SHARES: Final = (0.38, 0.25, 0.15, 0.09, 0.05, 0.045, 0.02, 0.015)
SIZE_HEADCOUNT: Final = (2.0, 8.0, 30.0, 80.0, 180.0, 500.0, 1500.0, 4000.0)

INDUSTRIES: Final = tuple(name for group in GROUPS for name, _ in group.industries)
INDUSTRY_WEIGHTS: Final = tuple(weight for group in GROUPS for _, weight in group.industries)
INDUSTRY_GROUP: Final = tuple(g for g, group in enumerate(GROUPS) for _ in group.industries)

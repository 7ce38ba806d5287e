"""Job titles by seniority and department ("VP of Sales", "Senior Software Engineer").

`title_table()` spells every title once; people pick from it by (seniority, department) codes.
"""

from dataclasses import dataclass
from typing import Final

import numpy as np

from engine.vocab import DEPARTMENTS, SENIORITIES

# Share of each seniority (engine.vocab.SENIORITIES order) at small (<= 50 people) and larger
# companies: owners run small companies, larger ones have layers of management.
SENIORITY_SMALL: Final = (0.06, 0.02, 0.04, 0.10, 0.16, 0.22, 0.28, 0.04, 0.05, 0.03)
SENIORITY_LARGE: Final = (0.02, 0.04, 0.08, 0.18, 0.26, 0.32, 0.01, 0.02, 0.05, 0.02)
# Mean age bucket (engine.vocab.AGE_RANGES index) by seniority.
SENIORITY_AGE: Final = (3.2, 2.8, 2.4, 1.9, 1.7, 0.8, 2.8, 3.0, 0.1, 0.5)

DEPARTMENT_NAMES: Final = {
    "marketing": "Marketing", "sales": "Sales", "engineering": "Engineering",
    "finance": "Finance", "operations": "Operations", "human_resources": "Human Resources",
    "legal": "Legal", "customer_success": "Customer Success", "product": "Product",
    "design": "Design", "it": "IT", "research": "Research", "education": "Education",
    "health": "Clinical Services", "media": "Content", "real_estate": "Real Estate",
    "trades": "Facilities", "public_service": "Public Affairs",
}  # fmt: skip
ROLES: Final = {
    "marketing": ("Marketing Specialist", "Content Marketer", "Marketing Analyst"),
    "sales": ("Account Executive", "Sales Representative", "Sales Development Representative"),
    "engineering": ("Software Engineer", "Data Engineer", "DevOps Engineer"),
    "finance": ("Accountant", "Financial Analyst", "Auditor"),
    "operations": ("Operations Analyst", "Project Coordinator", "Supply Chain Analyst"),
    "human_resources": ("Recruiter", "HR Generalist", "Talent Acquisition Specialist"),
    "legal": ("Paralegal", "Attorney", "Compliance Analyst"),
    "customer_success": ("Customer Success Specialist", "Account Manager", "Support Specialist"),
    "product": ("Product Manager", "Product Analyst", "Product Owner"),
    "design": ("Product Designer", "UX Designer", "Graphic Designer"),
    "it": ("Systems Administrator", "IT Support Specialist", "Network Engineer"),
    "research": ("Research Scientist", "Research Associate", "Data Scientist"),
    "education": ("Teacher", "Instructional Designer", "Lecturer"),
    "health": ("Registered Nurse", "Pharmacist", "Physical Therapist"),
    "media": ("Editor", "Journalist", "Video Producer"),
    "real_estate": ("Real Estate Agent", "Property Manager", "Leasing Consultant"),
    "trades": ("Electrician", "Technician", "Carpenter"),
    "public_service": ("Policy Analyst", "Program Specialist", "Case Worker"),
}  # fmt: skip
CHIEFS: Final = {
    "marketing": ("Chief Marketing Officer",), "sales": ("Chief Revenue Officer",),
    "engineering": ("Chief Technology Officer",), "finance": ("Chief Financial Officer",),
    "operations": ("Chief Operating Officer", "Chief Executive Officer"),
    "human_resources": ("Chief People Officer",), "legal": ("General Counsel",),
    "customer_success": ("Chief Customer Officer",), "product": ("Chief Product Officer",),
    "design": ("Chief Design Officer",), "it": ("Chief Information Officer",),
    "research": ("Chief Science Officer",), "education": ("Chief Academic Officer",),
    "health": ("Chief Medical Officer",), "media": ("Chief Content Officer",),
    "real_estate": ("Chief Real Estate Officer",), "trades": ("Chief Operating Officer",),
    "public_service": ("Chief Executive Officer",),
}  # fmt: skip
# Title patterns per seniority: {d} is the department's name, {r} one of its roles.
PATTERNS: Final = {
    "vp": ("VP of {d}", "Vice President of {d}", "SVP, {d}"),
    "director": ("Director of {d}", "{d} Director", "Senior Director of {d}"),
    "manager": ("{d} Manager", "Manager, {d}"),
    "senior": ("Senior {r}", "Lead {r}"),
    "entry": ("{r}", "Junior {r}", "Associate {r}"),
    "owner": ("Owner", "Founder", "Co-Founder", "Founder & CEO"),
    "partner": ("Partner", "Managing Partner", "Senior Partner"),
    "training": ("{r} Intern", "{r} Trainee"),
    "unpaid": ("Volunteer", "{d} Volunteer", "Unpaid Intern"),
}  # fmt: skip


@dataclass(frozen=True)
class TitleTable:
    """All titles, and per (seniority, department) the slice of them that fits."""

    titles: tuple[str, ...]
    start: np.ndarray  # int64 [len(SENIORITIES), len(DEPARTMENTS)]
    count: np.ndarray  # int64, same shape


def title_table() -> TitleTable:
    titles: list[str] = []
    start = np.zeros((len(SENIORITIES), len(DEPARTMENTS)), dtype=np.int64)
    count = np.zeros_like(start)
    for s, seniority in enumerate(SENIORITIES):
        for d, department in enumerate(DEPARTMENTS):
            options = titles_for(seniority, department)
            start[s, d], count[s, d] = len(titles), len(options)
            titles.extend(options)
    return TitleTable(tuple(titles), start, count)


def titles_for(seniority: str, department: str) -> list[str]:
    """The titles a person of `seniority` in `department` may hold, in a fixed order."""
    if seniority == "c_suite":
        return list(CHIEFS[department])
    name = DEPARTMENT_NAMES[department]
    return [
        pattern.format(d=name, r=role)
        for pattern in PATTERNS[seniority]
        for role in (ROLES[department] if "{r}" in pattern else ROLES[department][:1])
    ]

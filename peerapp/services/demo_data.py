"""Departments, titles, skills, places and bios the demo organisation is made of."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Department:
    """A department: its share of the company, its titles by rank, what its people know."""

    name: str
    weight: int
    head: str
    director: str  # manages managers
    lead: str  # manages a team
    titles: tuple[str, ...]  # everyone else
    skills: tuple[str, ...]


DEPARTMENTS = (
    Department(
        "Engineering",
        30,
        "Chief Technology Officer",
        "Director of Engineering",
        "Engineering Manager",
        (
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
            "Site Reliability Engineer",
            "QA Engineer",
            "Frontend Engineer",
            "Mobile Engineer",
            "Security Engineer",
        ),
        (
            "Python",
            "TypeScript",
            "Kubernetes",
            "System design",
            "Code review",
            "PostgreSQL",
            "Incident response",
            "Testing strategy",
            "Go",
            "Observability",
            "React",
            "Threat modelling",
        ),
    ),
    Department(
        "Product",
        7,
        "Chief Product Officer",
        "Director of Product",
        "Group Product Manager",
        ("Product Manager", "Senior Product Manager", "Product Owner", "Technical Product Manager"),
        (
            "Roadmapping",
            "User research",
            "Prioritisation",
            "Discovery interviews",
            "OKRs",
            "Stakeholder management",
            "Pricing",
            "Writing specs",
        ),
    ),
    Department(
        "Design",
        5,
        "VP of Design",
        "Design Director",
        "Design Lead",
        ("Product Designer", "UX Researcher", "Content Designer", "Visual Designer"),
        (
            "Figma",
            "Accessibility",
            "Design systems",
            "Usability testing",
            "Copywriting",
            "Prototyping",
            "Illustration",
        ),
    ),
    Department(
        "Sales",
        14,
        "Chief Revenue Officer",
        "Sales Director",
        "Regional Sales Lead",
        ("Account Executive", "Sales Development Rep", "Sales Engineer", "Account Manager"),
        (
            "Negotiation",
            "Discovery calls",
            "Forecasting",
            "Salesforce",
            "Public speaking",
            "Enterprise deals",
            "Cold outreach",
        ),
    ),
    Department(
        "Marketing",
        8,
        "Chief Marketing Officer",
        "Marketing Director",
        "Marketing Team Lead",
        ("Content Marketer", "Growth Marketer", "Brand Manager", "Marketing Analyst"),
        ("SEO", "Storytelling", "Campaign planning", "Analytics", "Social media", "Events"),
    ),
    Department(
        "Finance",
        5,
        "Chief Financial Officer",
        "Finance Director",
        "FP&A Manager",
        ("Financial Analyst", "Controller", "Accountant", "Payroll Specialist"),
        ("Budgeting", "Excel modelling", "Forecasting", "Procurement", "Audit readiness", "Tax"),
    ),
    Department(
        "People",
        5,
        "Chief People Officer",
        "Director of People",
        "People Operations Lead",
        ("People Partner", "Recruiter", "L&D Specialist", "People Operations Specialist"),
        (
            "Coaching",
            "Interviewing",
            "Feedback conversations",
            "Onboarding",
            "Facilitation",
            "Employment law",
        ),
    ),
    Department(
        "Customer Success",
        13,
        "VP of Customer Success",
        "Director of Support",
        "Support Team Lead",
        ("Customer Success Manager", "Support Engineer", "Onboarding Specialist", "Support Agent"),
        (
            "De-escalation",
            "Zendesk",
            "Customer training",
            "Renewals",
            "Writing help articles",
            "Troubleshooting",
        ),
    ),
    Department(
        "Data",
        8,
        "VP of Data",
        "Director of Analytics",
        "Analytics Lead",
        ("Data Analyst", "Data Engineer", "Data Scientist", "Machine Learning Engineer"),
        ("SQL", "dbt", "Statistics", "Dashboards", "Machine learning", "Experiment design"),
    ),
    Department(
        "Legal",
        3,
        "General Counsel",
        "Deputy General Counsel",
        "Legal Team Lead",
        ("Legal Counsel", "Privacy Officer", "Contracts Manager", "Paralegal"),
        ("Contract review", "GDPR", "Risk assessment", "Plain-language writing", "Compliance"),
    ),
)
# The chief executive's own department: one person, whom the department heads report to.
EXECUTIVE = Department(
    "Executive",
    0,
    "Chief Executive Officer",
    "",
    "",
    (),
    ("Strategy", "Fundraising", "Hiring leaders", "Public speaking", "Board meetings"),
)
BY_NAME = {department.name: department for department in (*DEPARTMENTS, EXECUTIVE)}
SHARED_GOALS = (
    "Public speaking",
    "Leading meetings",
    "Time management",
    "Giving feedback",
    "Writing clearly",
    "Managing up",
    "Career planning",
    "Delegation",
    "SQL",
    "Product thinking",
    "Negotiation",
    "Presenting data",
    "Work-life balance",
    "Coaching others",
    "Hiring well",
    "Influencing without authority",
)
LOCATIONS = (
    "Berlin",
    "Lisbon",
    "London",
    "Toronto",
    "Austin",
    "Remote (EU)",
    "Remote (US)",
    "Singapore",
    "Amsterdam",
    "Nairobi",
    "São Paulo",
    "Bangalore",
    "Warsaw",
    "Tokyo",
    "Remote (APAC)",
)
# A bio is "{title} in {department}, based in {location}." and one of these.
BIO_ENDINGS = (
    "Happy to trade what I know for a fresh perspective.",
    "Ask me about {skill}; I'd like to get better at {goal}.",
    "Most days you'll find me deep in {skill}.",
    "Working on {goal} this year and glad of company.",
    "Always up for a coffee chat about {skill}.",
    "Looking for someone to practise {goal} with.",
    "I enjoy helping new colleagues find their feet.",
    "Curious about how other teams work.",
    "Before this I did {skill} at a start-up.",
    "Keen to swap notes on {goal}.",
    "",
)

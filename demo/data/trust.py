"""Who the demo trust is: its name and password, its two schools, and the named accounts people sign in with.
Tables only: ``demo.school`` builds the trust from them."""

from __future__ import annotations

from dataclasses import dataclass

from provision.models import Phase, Role

DEMO_TRUST_NAME = "Riverside Learning Trust"
DEMO_PASSWORD = "provision-demo"
PRIMARY = "primary"
SECONDARY = "secondary"


# --- The schools --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolSpec:
    """A demo school. ``la_code`` and ``establishment`` make its DfE number (LA/establishment), used in UPNs."""

    key: str
    name: str
    urn: str
    phase: str
    lowest_year: int
    highest_year: int
    la_code: str
    establishment: str
    email_domain: str


DEMO_SCHOOLS: tuple[SchoolSpec, ...] = (
    SchoolSpec(
        key=PRIMARY,
        name="Hazel Grove Primary School",
        urn="148213",
        phase=Phase.PRIMARY,
        lowest_year=0,
        highest_year=6,
        la_code="881",
        establishment="2417",
        email_domain="hazelgrove.sch.invalid",
    ),
    SchoolSpec(
        key=SECONDARY,
        name="Kingsmead Academy",
        urn="147906",
        phase=Phase.SECONDARY,
        lowest_year=7,
        highest_year=11,
        la_code="881",
        establishment="4032",
        email_domain="kingsmead.sch.invalid",
    ),
)
SCHOOL_SPECS = {spec.key: spec for spec in DEMO_SCHOOLS}


# --- The accounts people sign in with -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    """A named demo account; ``posts`` are (school key, role, job title)."""

    username: str
    first_name: str
    last_name: str
    posts: tuple[tuple[str, str, str], ...]


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("senco", "Rachel", "Adeyemi", ((PRIMARY, Role.SENCO, "SENCO and assistant headteacher"),)),
    DemoLogin("teacher", "Tom", "Whitfield", ((PRIMARY, Role.TEACHER, "Class teacher, Year 4"),)),
    DemoLogin("tutor", "Aisha", "Rahman", ((PRIMARY, Role.TA, "Teaching assistant and reading tutor"),)),
    DemoLogin("leader", "Gareth", "Lloyd", ((PRIMARY, Role.LEADER, "Headteacher"),)),
    DemoLogin("admin", "Karen", "Doyle", ((PRIMARY, Role.ADMIN, "School business manager"),)),
    DemoLogin("senco2", "Daniel", "Byrne", ((SECONDARY, Role.SENCO, "SENCO"),)),
    DemoLogin(
        "trust",
        "Margaret",
        "Chen",
        (
            (PRIMARY, Role.LEADER, "Trust director of inclusion"),
            (SECONDARY, Role.LEADER, "Trust director of inclusion"),
        ),
    ),
)
# The parent account is made with the pupils (it is a guardian, not staff): see demo.pupils.
PARENT_USERNAME = "parent"
DEMO_USERNAMES: tuple[str, ...] = tuple(login.username for login in DEMO_LOGINS) + (PARENT_USERNAME,)

SECONDARY_SUBJECTS = (
    "English",
    "Mathematics",
    "Science",
    "Biology",
    "Chemistry",
    "Physics",
    "History",
    "Geography",
    "French",
    "Spanish",
    "Computing",
    "Art and design",
    "Music",
    "Drama",
    "Physical education",
    "Religious education",
    "Design and technology",
    "Food and nutrition",
    "Business studies",
    "Psychology",
)

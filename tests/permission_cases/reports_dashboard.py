"""Permission rows for the leaders' dashboard and the governors' impact report (PDF, Excel): the SENCO, senior leaders
and the school admin; teachers, TAs and parents are refused. Each row asks for Oak Primary by name
(``?school=<id>``): another school's SENCO gets a 404 for it (they see only their own school, which
tests/reports/test_dashboard.py checks)."""

from __future__ import annotations

from . import Case, only

READERS = only("senco", "leader", "admin")
OAK = {"school": "school"}  # test_permission_matrix swaps "school" for the world's school id
CROSS_SCHOOL = {"other_senco": 404}

CASES: dict[str, Case] = {
    "reports:dashboard": Case(allowed=READERS, data=OAK, overrides=CROSS_SCHOOL),
    "reports:impact_report_pdf": Case(allowed=READERS, data=OAK, overrides=CROSS_SCHOOL),
    "reports:impact_report_xlsx": Case(allowed=READERS, data=OAK, overrides=CROSS_SCHOOL),
}

ARGS: dict = {}

"""The groups, pupils and places the progress check files in tests/interventions/files are written for.

"Today" is Friday 20 November 2026. The Year 3 reading group (Mondays, Wednesdays and Fridays from 14 September to
11 December) checks words read correctly in a minute (0 to 200); the maths facts group (id 4242, so that a file can
name it by id) checks number facts in a minute (0 to 60). The spelling group has no check. Two groups share the name
"Twin group". Ben was absent from the reading group's session on Monday 5 October; Dan left it on 16 October.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pupils.reference import make_upn

if TYPE_CHECKING:  # the file maker imports this module without Django set up
    from interventions.models import Intervention, Placement
    from pupils.models import Pupil

TODAY = dt.date(2026, 11, 20)
MATHS_ID = 4242


def upn(serial: int) -> str:
    return make_upn(f"80160026{serial:04d}")


# key: (UPN, forename, surname)
PUPILS = {
    "ava": (upn(1), "Ava", "Ng"),
    "ben": (upn(2), "Ben", "Ola"),
    "cara": (upn(3), "Cara", "Dee"),
    "dan": (upn(4), "Dan", "Eze"),
    "eli": (upn(5), "Eli", "Fox"),  # in no group
}
UNKNOWN_UPN = upn(99)
READING = "Year 3 reading group"


@dataclass
class ChecksWorld:
    pupils: dict[str, Pupil]
    reading: Intervention
    maths: Intervention
    spelling: Intervention
    places: dict[str, Placement]  # the reading group's


def create(school, *, lead=None) -> ChecksWorld:
    from interventions.models import Attendance, ProgressCheck, Session
    from tests import factories as f

    pupils = {
        key: f.PupilFactory(school=school, upn=upn_, legal_first_name=first, legal_last_name=last, year_group=3)
        for key, (upn_, first, last) in PUPILS.items()
    }
    start, end = dt.date(2026, 9, 14), dt.date(2026, 12, 11)
    reading = f.InterventionFactory(school=school, name=READING, start_date=start, end_date=end, lead=lead)
    maths = f.InterventionFactory(pk=MATHS_ID, school=school, name="Maths facts group", start_date=start, end_date=end)
    spelling = f.InterventionFactory(school=school, name="Spelling group", start_date=start, end_date=end)
    for _ in range(2):
        twin = f.InterventionFactory(school=school, name="Twin group", start_date=start, end_date=end)
        ProgressCheck.objects.create(intervention=twin, name="Sounds", unit="sounds")
    ProgressCheck.objects.create(
        intervention=reading, name="Words read correctly in a minute", unit="words", min_value=0, max_value=200
    )
    ProgressCheck.objects.create(
        intervention=maths, name="Number facts in a minute", unit="facts", min_value=0, max_value=60
    )
    places = {
        key: f.PlacementFactory(intervention=reading, pupil=pupils[key], entry_date=start)
        for key in ("ava", "ben", "cara")
    }
    places["dan"] = f.PlacementFactory(
        intervention=reading, pupil=pupils["dan"], entry_date=start, exit_date=dt.date(2026, 10, 16),
        exit_reason="moved",
    )  # fmt: skip
    f.PlacementFactory(intervention=maths, pupil=pupils["ava"], entry_date=start)
    f.PlacementFactory(intervention=spelling, pupil=pupils["ava"], entry_date=start)
    session = Session.objects.create(intervention=reading, date=dt.date(2026, 10, 5), minutes=30)
    Attendance.objects.create(session=session, placement=places["ava"], present=True)
    Attendance.objects.create(session=session, placement=places["cara"], present=True)
    Attendance.objects.create(session=session, placement=places["ben"], present=False, absence_reason="unwell")
    return ChecksWorld(pupils=pupils, reading=reading, maths=maths, spelling=spelling, places=places)

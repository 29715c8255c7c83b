"""Everyday teaching (wave 1): each year group's strategies this year, led by its class teacher, and a trial or two
that ran last year from spring to the summer. No groups and no sessions: the provision map shows them for the
whole year group, so every year has something on it.
"""

from __future__ import annotations

from demo.data.trust import PRIMARY, SECONDARY
from interventions.models import Area

THIS_YEAR = {
    PRIMARY: {
        0: [("Visual timetables and now-and-next boards", Area.LANGUAGE, "CI"),
            ("Story time with a vocabulary focus every day", Area.LANGUAGE, "")],
        1: [("Same-day phonics keep-up", Area.PHONICS, "CL")],
        2: [("Pre-teaching vocabulary before topic lessons", Area.LANGUAGE, "CI")],
        3: [("Dyslexia-friendly classroom", Area.READING, "CL")],
        4: [("Concrete maths resources in every lesson", Area.MATHS, "CL"),
            ("Movement breaks and fidget tools", Area.SEMH, "SEMH")],
        5: [("Writing frames and word banks", Area.WRITING, "CL")],
        6: [("Pre-teaching vocabulary", Area.LANGUAGE, "CI")],
    },
    SECONDARY: {
        7: [("Chunked instructions and visual prompts", Area.LANGUAGE, "CI"),
            ("Dyslexia-friendly resources in every subject", Area.READING, "CL")],
        8: [("Pre-teaching key vocabulary in science", Area.LANGUAGE, "CI")],
        9: [("Seating plans for pupils with hearing and visual needs", Area.OTHER, "SP")],
        10: [("Reading-age-appropriate texts in humanities", Area.READING, "CL")],
        11: [("Exam access arrangements practised in mocks", Area.OTHER, "CL"),
             ("Quiet room for pupils who need a break", Area.SEMH, "SEMH")],
    },
}  # fmt: skip
LAST_YEAR = {
    PRIMARY: [("Coloured overlays trial", Area.READING, "CL", (3, 4))],
    SECONDARY: [("Reading ruler and overlay trial", Area.READING, "CL", (7,))],
}

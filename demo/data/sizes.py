"""How big the demo schools are: a one-form-entry primary and a secondary of 1,000 by default. Tables only."""

from __future__ import annotations

# A one-form-entry primary. Infant classes (Reception to Year 2) may not exceed 30 by law.
PRIMARY_YEAR_SIZES = {0: 30, 1: 30, 2: 30, 3: 31, 4: 30, 5: 29, 6: 30}
PRIMARY_PUPILS = sum(PRIMARY_YEAR_SIZES.values())
PRIMARY_CLASS_NAMES = {0: "Acorns", 1: "Hazel", 2: "Rowan", 3: "Willow", 4: "Oak", 5: "Ash", 6: "Cedar"}
TEACHER_CLASS_YEAR = 4  # the ``teacher`` login teaches the Year 4 class
DEFAULT_SECONDARY_PUPILS = 1000
MIN_SECONDARY_PUPILS = 50
MIN_TOTAL_PUPILS = PRIMARY_PUPILS + MIN_SECONDARY_PUPILS
SECONDARY_YEARS = range(7, 12)
FORM_SIZE = 28  # forms hold 25-28 pupils

"""Plain words for parents: how often, who helps, what a result means and how a piece of support went.

Every function takes plain values and returns text already translated into the active language (Django's
``gettext``), so that a school can translate the parents' pages (README, "Parents and carers"). Sentences are
short, use the child's name rather than "he" or "she", and never an internal code: "SEN support", not "K";
"reading age 8 years 3 months", not "8:03".

Scales (see ``pupils.scales``): age-equivalents are stored in months; standardised and KS2 scaled scores as the
score; teacher-assessment bands as the band's rank (1 = lowest); GCSE grades as the grade (U = 0); raw scores as
marks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.dateformat import format as date_format
from django.utils.dates import WEEKDAYS
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

AGE = "age"
STANDARDISED = "standardised"
KS2_SCALED = "ks2_scaled"
RAW = "raw"
BANDS = "bands"
GCSE = "gcse"

# What the support works on (interventions.models.Area), as the end of "Help with ...".
AREA_WORDS = {
    "reading": gettext_lazy("reading"),
    "phonics": gettext_lazy("phonics (letters and sounds)"),
    "writing": gettext_lazy("writing"),
    "spelling": gettext_lazy("spelling"),
    "handwriting": gettext_lazy("handwriting"),
    "maths": gettext_lazy("maths"),
    "language": gettext_lazy("speaking and understanding"),
    "social": gettext_lazy("getting on with others"),
    "semh": gettext_lazy("feelings and behaviour"),
    "motor": gettext_lazy("movement and coordination"),
    "other": gettext_lazy("learning"),
}

# Who delivers (interventions.models.StaffRole), with the article: "a teaching assistant".
ROLE_WORDS = {
    "teacher": gettext_lazy("a teacher"),
    "ta": gettext_lazy("a teaching assistant"),
    "hlta": gettext_lazy("a senior teaching assistant"),
    "external": gettext_lazy("a tutor or specialist from outside the school"),
}

# How it is delivered (interventions.models.Delivery).
DELIVERY_WORDS = {
    "one_to_one": gettext_lazy("One to one: one adult with your child"),
    "small_group": gettext_lazy("In a small group"),
    "whole_class": gettext_lazy("With the whole class"),
    "online": gettext_lazy("Online"),
}

DAYS_PER_MONTH = 30.44


def date_words(day: dt.date) -> str:
    """3 December 2026, in the active language."""
    return date_format(day, "j E Y")  # E: the month as in a date ("3 grudnia", not "3 grudzień")


def month_words(day: dt.date) -> str:
    """December 2026."""
    return date_format(day, "F Y")


def help_with(area: str) -> str:
    """ "Help with reading"."""
    return _("Help with %(area)s") % {"area": AREA_WORDS.get(area, AREA_WORDS["other"])}


def minutes_words(minutes: int) -> str:
    """30 -> "30 minutes"; 60 -> "1 hour"; 90 -> "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if rest or not hours:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest})
    return " ".join(parts)


def how_often(days: Sequence[int], minutes: int) -> str:
    """Weekdays (0 = Monday) and minutes a session -> "3 times a week (Monday, Wednesday and Friday), 30 minutes
    each time"; "" when no days are set."""
    days = sorted(set(days))
    if not days:
        return ""
    length = minutes_words(minutes)
    if len(days) == 5:
        return _("Every school day, %(length)s each time") % {"length": length}
    names = get_text_list([str(WEEKDAYS[day]) for day in days], _("and"))
    if len(days) == 1:
        return _("Once a week (%(days)s), %(length)s each time") % {"days": names, "length": length}
    if len(days) == 2:
        return _("Twice a week (%(days)s), %(length)s each time") % {"days": names, "length": length}
    return _("%(count)d times a week (%(days)s), %(length)s each time") % {
        "count": len(days),
        "days": names,
        "length": length,
    }


def who_helps(roles: Sequence[str]) -> str:
    """["ta", "teacher"] -> "A teaching assistant and a teacher"; none -> "Staff at the school"."""
    words: list[str] = []
    for role in roles:
        phrase = str(ROLE_WORDS.get(role, ROLE_WORDS["ta"]))
        if phrase not in words:
            words.append(phrase)
    if not words:
        return _("Staff at the school")
    text = get_text_list(words, _("and"))
    return text[0].upper() + text[1:]


def duration_words(months: int) -> str:
    """14 -> "1 year 2 months"; 9 -> "9 months"; 0 -> "0 months"."""
    years, rest = divmod(abs(int(months)), 12)
    parts = []
    if years:
        parts.append(ngettext("%(count)d year", "%(count)d years", years) % {"count": years})
    if rest or not years:
        parts.append(ngettext("%(count)d month", "%(count)d months", rest) % {"count": rest})
    return " ".join(parts)


def time_between(start: dt.date, end: dt.date) -> str:
    """How long from ``start`` to ``end``: weeks under two months ("6 weeks"), else months ("4 months")."""
    days = max(0, (end - start).days)
    if days < 56:
        weeks = max(1, round(days / 7))
        return ngettext("%(count)d week", "%(count)d weeks", weeks) % {"count": weeks}
    return duration_words(round(days / DAYS_PER_MONTH))


def measure_name(kind: str, subject: str) -> str:
    """What the number measures, lower case: "reading age", "maths score", "writing level", "English grade"."""
    subject = subject.strip().lower() or _("test")
    if kind == AGE:
        return _("%(subject)s age") % {"subject": subject}
    if kind == BANDS:
        return _("%(subject)s level") % {"subject": subject}
    if kind == GCSE:
        return _("predicted %(subject)s grade") % {"subject": subject}
    return _("%(subject)s score") % {"subject": subject}


def value_words(kind: str, value: float, *, bands: Sequence[str] = (), out_of: float | None = None) -> str:
    """A stored value as a parent reads it: 99 months -> "8 years 3 months"; band 3 -> "“Expected”"."""
    if kind == AGE:
        return duration_words(round(value))
    if kind == BANDS:
        rank = round(value)
        label = bands[rank - 1] if 1 <= rank <= len(bands) else str(rank)
        return pgettext("a level, quoted", "“%(label)s”") % {"label": label}
    if kind == GCSE:
        return "U" if value == 0 else str(round(value))
    number = f"{value:g}"
    if kind == RAW and out_of:
        return _("%(value)s out of %(most)s") % {"value": number, "most": f"{out_of:g}"}
    return number


def scale_note(kind: str) -> str:
    """One sentence saying what the numbers mean, where they need one."""
    if kind == STANDARDISED:
        return _("A score of 100 is average for a child of the same age. Most children score between 85 and 115.")
    if kind == KS2_SCALED:
        return _("A score of 100 or more meets the standard expected at the end of primary school.")
    if kind == AGE:
        return _("An age of 8 years means doing as well as a typical 8-year-old.")
    if kind == GCSE:
        return _("Grades go from 9 (highest) to 1. Grade 4 is a standard pass.")
    return ""


def target_words(kind: str, subject: str, value: float, *, bands: Sequence[str] = (), by: dt.date | None) -> str:
    """The target, shown after "Target:": "reading age of 8 years 3 months by 3 December 2026"."""
    measure = measure_name(kind, subject)
    shown = value_words(kind, value, bands=bands)
    if by is None:
        return _("%(measure)s of %(value)s") % {"measure": measure, "value": shown}
    return _("%(measure)s of %(value)s by %(day)s") % {"measure": measure, "value": shown, "day": date_words(by)}


def change_words(
    kind: str,
    subject: str,
    start: float,
    end: float,
    *,
    started: dt.date,
    finished: dt.date,
    bands: Sequence[str] = (),
    out_of: float | None = None,
) -> str:
    """How the measure changed, in one or two short sentences.

    Age-equivalents: the change in months and the time it took ("Reading age went up 9 months in 4 months."),
    then where it started and ended. Everything else: from and to ("Maths score went from 82 to 90.").
    """
    measure = measure_name(kind, subject)
    measure = measure[0].upper() + measure[1:]
    if kind == AGE:
        gain = round(end) - round(start)
        took = time_between(started, finished)
        if gain > 0:
            first = _("%(measure)s went up %(gain)s in %(time)s.") % {
                "measure": measure,
                "gain": duration_words(gain),
                "time": took,
            }
        elif gain < 0:
            first = _("%(measure)s went down %(fall)s in %(time)s.") % {
                "measure": measure,
                "fall": duration_words(-gain),
                "time": took,
            }
        else:
            first = _("%(measure)s stayed the same over %(time)s.") % {"measure": measure, "time": took}
        second = _("It went from %(start)s to %(end)s.") % {
            "start": value_words(kind, start),
            "end": value_words(kind, end),
        }
        return f"{first} {second}"
    start_words = value_words(kind, start, bands=bands, out_of=out_of)
    end_words = value_words(kind, end, bands=bands, out_of=out_of)
    if round(start, 6) == round(end, 6):
        return _("%(measure)s stayed at %(value)s.") % {"measure": measure, "value": start_words}
    return _("%(measure)s went from %(start)s to %(end)s.") % {
        "measure": measure,
        "start": start_words,
        "end": end_words,
    }


def outcome_words(outcome: str, name: str) -> str:
    """The school's judgement of the target (interventions.models.Outcome) as a sentence about the child."""
    if outcome == "met":
        return _("%(name)s reached the target.") % {"name": name}
    if outcome == "partly":
        return _("%(name)s got part of the way to the target.") % {"name": name}
    if outcome == "not_met":
        return _("%(name)s did not reach the target this time.") % {"name": name}
    return ""


def ended_early_words(exit_reason: str) -> str:
    """Why support ended before its planned end, without the staff's reasons."""
    if exit_reason == "target_met":
        return _("This help ended early because the target was reached.")
    if exit_reason in ("not_working", "moved", "stopped"):
        return _("This help ended early. The school may have planned different help instead.")
    return ""


def rating_words(name: str, start: int | None, end: int | None) -> str:
    """The child's own 1-5 rating of how confident they feel."""
    if start is None:
        return ""
    if end is None:
        return _("At the start, %(name)s said %(start)d out of 5 for how confident they feel.") % {
            "name": name,
            "start": start,
        }
    return _("How confident %(name)s felt, out of 5: %(start)d at the start and %(end)d at the end.") % {
        "name": name,
        "start": start,
        "end": end,
    }


def attendance_words(name: str, attended: int, held: int, *, finished: bool) -> str:
    """Sessions attended of those held: "Evie went to 18 of the 20 sessions so far." ("so far" until finished)."""
    if held == 0:
        return "" if finished else _("No sessions have been recorded yet.")
    values = {"name": name, "attended": attended, "held": held}
    if finished:
        return (
            ngettext(
                "%(name)s went to %(attended)d of the %(held)d session.",
                "%(name)s went to %(attended)d of the %(held)d sessions.",
                held,
            )
            % values
        )
    return (
        ngettext(
            "%(name)s went to %(attended)d of the %(held)d session so far.",
            "%(name)s went to %(attended)d of the %(held)d sessions so far.",
            held,
        )
        % values
    )


def progress_words(name: str, decision: str, *, check: str, by: dt.date | None, changed_on: dt.date | None) -> str:
    """The weekly progress checks in plain words (interventions.progress.rules.Decision): "on track" or "not yet
    on track"; too early to say; nothing when the school has set no target to aim for."""
    values = {"name": name, "check": check}
    if decision in ("on_track", "raise_goal"):
        if by is not None:
            text = _("%(name)s is on track to reach the target by %(date)s in the weekly check (%(check)s).") % {
                **values,
                "date": date_words(by),
            }
        else:
            text = _("%(name)s is on track in the weekly check (%(check)s).") % values
    elif decision == "off_track":
        text = (
            _("%(name)s is not yet on track in the weekly check (%(check)s): the school is looking at what to change.")
            % values
        )
    elif decision == "too_few":
        text = (
            _("It is too early to say whether %(name)s is on track: the school checks progress every week or so.")
            % values
        )
    else:
        return ""
    if changed_on is not None:
        text += " " + _("The school changed how it helps %(name)s on %(date)s.") % {
            "name": name,
            "date": date_words(changed_on),
        }
    return text


def sen_words(status: str, name: str) -> str:
    """The SEN status (pupils.models.SenStatus) explained, never as its code."""
    if status == "K":
        return _(
            "%(name)s gets SEN support. This means the school plans extra help for %(name)s's special educational "
            "needs, with the special needs coordinator (SENCO)."
        ) % {"name": name}
    if status == "E":
        return _(
            "%(name)s has an Education, Health and Care plan (EHC plan). It is a legal document. It says what help "
            "%(name)s must get."
        ) % {"name": name}
    return ""


def year_words(year_group: int) -> str:
    """The year group (pupils.models.YearGroup) in words: "Reception", "Year 4"."""
    if year_group == 0:
        return _("Reception")
    if year_group < 0:
        return _("Nursery")
    return _("Year %(number)d") % {"number": year_group}

"""The school's support offer for parents: a provision map turned into plain English, with nothing that could
identify a child or a member of staff.

Pure: no Django imports. ``offer_from_map`` turns one ``ProvisionMap`` into a section of entries;
``offer_content`` puts the year-group and area-of-need sections together into what ``PublishedOffer.content``
stores. Everything in the result is already the words shown to parents: the page only lays them out.

Rules (the published offer is public):
- No pupil names and no staff names. A provision's name is shown exactly as the school wrote it, or not at all:
  a name that mentions a person (one of the map's pupils or staff, a name passed in ``extra_names``, or
  "Mrs Patel"-style titles) or carries an internal code is replaced whole by its programme's name, else by a
  plain description of the wave. Words are never taken out of a name (that garbled "Visual timetables and
  now-and-next boards" once a staff member was called "Speech and language therapist (NHS)").
- What counts as naming a person: each part of a personal name (each capitalised word of "Philippa
  Wolstenholme", "Fairweather, Ignatius" or "de Souza, Ana") as a whole word; a description of someone (with a
  bracket, "and" or a lower-case word of four letters or more: "Speech and language therapist (NHS)", a
  username) only as the whole phrase.
- Who delivers is a role ("a teaching assistant"), never a person.
- A pupil count is shown only when it is at least ``PUBLIC_MIN_COUNT``; smaller counts become "a small
  number of pupils". No totals are published (per row, per wave or for the school): a total next to the
  counts that are shown would let a reader subtract and recover a hidden small count. For the same reason
  counts appear in one view only (year groups): the same pupils counted again by area of need could be
  differenced against the year-group counts.
- Group sizes become words ("in a small group"), since "groups of 3" may be the number of pupils.
- No costs, no funding, no internal codes: "SEN support", never "K"; "extra help to catch up", never "Wave 2".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from reports.maps.build import Provision, ProvisionMap

# The one place the public threshold is set: fewer pupils than this are never counted in public.
PUBLIC_MIN_COUNT = 5

FORMAT_VERSION = 1

SMALL_NUMBER = "A small number of pupils"

WAVE_WORDS = {
    1: ("Help for everyone in class", "Teachers change how they teach so that every child can join in."),
    2: ("Extra help to catch up", "Short, regular sessions, usually in a small group, for children who need a boost."),
    3: ("Extra help planned for a child's own needs", "Support made for one child, often one to one."),
}

GENERIC_NAMES = {1: "A way of teaching in class", 2: "A catch-up programme", 3: "A support programme"}

NEED_WORDS = {
    "CI": ("Talking, listening and getting on with others", "Communication and interaction needs."),
    "CL": ("Reading, writing, maths and learning", "Cognition and learning needs."),
    "SEMH": ("Feelings, behaviour and friendships", "Social, emotional and mental health needs."),
    "SP": ("Hearing, seeing and moving", "Sensory and physical needs."),
    "OTHER": ("Other needs", "Support for other needs."),
    "NONE": ("Catching up", "For children who need a boost but do not have special educational needs."),
    "all": ("The whole school", "For every child."),
}

SECTION_HEADINGS = {
    "year": ("Support for each year group", "What each year group can get, on top of good teaching."),
    "need": ("Support for each kind of need", "The same support, grouped by the kind of help a child needs."),
    "class": ("Support for each class", ""),
    "subject": ("Support for each subject", ""),
}

STATUS_WORDS = {"planned": "Starting soon", "completed": "Has now finished"}
HIDDEN_STATUSES = {"stopped"}

# Internal codes and their plain words. The SEN status and need-type codes are matched in capitals only,
# so that ordinary words ("hi", "pd") are left alone.
_CODE_WORDS = [
    (re.compile(r"\bEHCP?s?\b"), "EHC plan"),
    (re.compile(r"\bSEND?\b"), "special needs"),
    (re.compile(r"\bSLCN\b"), "speech and language"),
    (re.compile(r"\bASD\b|\bASC\b"), "autism"),
    (re.compile(r"\bSPLD\b|\bSpLD\b"), "learning difficulty"),
    (re.compile(r"\b[PS]?MLD\b|\bSLD\b"), "learning difficulty"),
    (re.compile(r"\bSEMH\b"), "social and emotional"),
    (re.compile(r"\bHI\b"), "hearing"),
    (re.compile(r"\bVI\b"), "vision"),
    (re.compile(r"\bMSI\b"), "sensory"),
    (re.compile(r"\bPD\b"), "physical"),
    (re.compile(r"\bPP\b"), ""),
    (re.compile(r"\b[KEN]\b"), ""),
    (re.compile(r"\b(?:wave|w)\s*-?\s*[123]\b", re.IGNORECASE), ""),
    (re.compile(r"£\s*\d[\d,.]*"), ""),
]
_TITLED_PERSON = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Prof)\.?\s+[A-Z][\w'’-]*(?:['’]s)?")
_FREQUENCY = re.compile(r"(\d+)\s*[x×]\s*(\d+)\s*min", re.IGNORECASE)
_SPACES = re.compile(r"\s{2,}")


def offer_from_map(
    map: ProvisionMap,  # noqa: A002 - the contract's name
    *,
    min_count: int = PUBLIC_MIN_COUNT,
    show_counts: bool = True,
    extra_names: Iterable[str] = (),
) -> dict:
    """The offer described by one provision map: ``{"format", "period", "min_count", "sections": [section]}``.

    A section is ``{"view", "heading", "intro", "groups"}``; a group (a row of the map: a year group or an
    area of need) is ``{"title", "about", "kinds"}``; each kind of help (a wave, in words) is
    ``{"title", "about", "items"}``; each item ``{"what", "how_often", "group", "who", "pupils", "when"}``, all
    plain strings ("" when there is nothing to say). Rows with no provision are left out.
    """
    names = _name_pattern(_names_in(map, extra_names))
    heading, intro = SECTION_HEADINGS.get(map.view, ("Support", ""))
    groups = []
    for row in map.rows:
        kinds = []
        for wave in sorted(row.cells):
            items = [
                _item(provision, names, min_count=min_count, show_counts=show_counts)
                for provision in row.cells[wave].provisions
                if provision.status not in HIDDEN_STATUSES
            ]
            if not items:
                continue
            title, about = WAVE_WORDS.get(wave, ("Other support", ""))
            kinds.append({"title": title, "about": about, "items": sorted(items, key=lambda item: item["what"])})
        if kinds:
            title, about = _row_words(map.view, row.key, row.label, names)
            groups.append({"title": title, "about": about, "kinds": kinds})
    return {
        "format": FORMAT_VERSION,
        "period": map.period.label,
        "min_count": min_count,
        "sections": [{"view": map.view, "heading": heading, "intro": intro, "groups": groups}],
    }


def offer_content(
    maps: Sequence[ProvisionMap], *, min_count: int = PUBLIC_MIN_COUNT, extra_names: Iterable[str] = ()
) -> dict:
    """The whole offer: one section per map, in order. Only the first map's section carries pupil counts
    (see the module docstring: counts of the same pupils in two views could be subtracted)."""
    extra_names = list(extra_names)
    content: dict = {"format": FORMAT_VERSION, "period": "", "min_count": min_count, "sections": []}
    for index, map in enumerate(maps):  # noqa: A001
        part = offer_from_map(map, min_count=min_count, show_counts=index == 0, extra_names=extra_names)
        content["period"] = content["period"] or part["period"]
        content["sections"].extend(part["sections"])
    return content


# --- the parts of one entry ---------------------------------------------------------------------------------


def _item(provision: Provision, names: re.Pattern | None, *, min_count: int, show_counts: bool) -> dict:
    return {
        "what": _public_name(provision, names),
        "how_often": plain_frequency(provision.frequency),
        "group": plain_group(provision.group_size),
        "who": plain_roles(provision.staff_roles),
        "pupils": plain_count(provision.pupil_count, min_count=min_count) if show_counts else "",
        "when": STATUS_WORDS.get(provision.status, ""),
    }


def plain_count(count: int, *, min_count: int = PUBLIC_MIN_COUNT) -> str:
    """The count in words: "12 pupils" at or above the threshold, "A small number of pupils" below it, ""
    for none (wave 1 strategies reach whole classes and count no one)."""
    if count <= 0:
        return ""
    if count < min_count:
        return SMALL_NUMBER
    return f"{count} pupils"


def plain_frequency(frequency: str) -> str:
    """How often, in words: "3 x 30 min a week" -> "3 times a week, 30 minutes each time"."""
    text = (frequency or "").strip()
    if not text:
        return ""
    if text.lower() == "ongoing":
        return "Every day, in lessons"
    if "no days set" in text.lower():
        return ""
    match = _FREQUENCY.search(text)
    if not match:
        return _clean_codes(text)
    times, minutes = int(match.group(1)), int(match.group(2))
    how_many = {1: "Once", 2: "Twice"}.get(times, f"{times} times")
    per = "a fortnight" if "fortnight" in text.lower() else "a week"
    return f"{how_many} {per}, {_minutes(minutes)} each time"


def _minutes(minutes: int) -> str:
    if minutes == 60:
        return "1 hour"
    if minutes > 60 and minutes % 60 == 0:
        return f"{minutes // 60} hours"
    return f"{minutes} minutes"


def plain_group(group_size: str) -> str:
    """Words only: "1:1" -> "One to one", "Groups of 4" -> "In a small group" (a group's size could be the
    number of pupils in it, so it is never published)."""
    text = (group_size or "").strip().lower()
    if not text:
        return ""
    if text in ("1:1", "1 to 1", "one to one", "one-to-one", "individual"):
        return "One to one (one adult with one child)"
    if "whole class" in text or text == "class":
        return "With the whole class"
    if "year" in text:
        return "With the whole year group"
    if "online" in text:
        return "Online"
    return "In a small group"


def plain_roles(roles: Sequence[str]) -> str:
    """["Teaching assistant", "Teacher"] -> "A teaching assistant and a teacher"; no roles -> "School staff"."""
    words = []
    for role in roles:
        # Roles are the labels of a fixed list, so they are not checked for names: a member of staff called
        # "Tom Teacher" must not hide the word "teacher".
        role = _clean_codes(role).strip()
        if not role:
            continue
        label = role if role.isupper() else role[0].lower() + role[1:]
        article = "the" if label in ("SENCO",) else ("an" if label[0].lower() in "aeiou" else "a")
        phrase = f"{article} {label}"
        if phrase not in words:
            words.append(phrase)
    if not words:
        return "School staff"
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text[0].upper() + text[1:]


def _public_name(provision: Provision, names: re.Pattern | None) -> str:
    """The intervention's own name when it names no one and carries no internal code; else its programme's on the
    same terms; else a plain description of the wave. Never an edited name."""
    for candidate in (provision.name, provision.programme):
        text = _SPACES.sub(" ", (candidate or "").strip())
        if text and not _names_someone(text, names) and not _has_codes(text):
            return text
    return GENERIC_NAMES.get(provision.wave, "A support programme")


def _row_words(view: str, key: str, label: str, names: re.Pattern | None) -> tuple[str, str]:
    if view == "need":
        title, about = NEED_WORDS.get(key, (label, ""))
        return title, about
    title = _clean_codes(label)
    if _names_someone(title, names):
        title = "Other pupils"
    return title or "Other pupils", ""


# --- names and codes ----------------------------------------------------------------------------------------


def _names_in(map: ProvisionMap, extra: Iterable[str]) -> set[str]:  # noqa: A002
    """What would name a person (pupils and staff on the map, plus ``extra``): each part of a personal name, or
    the whole of a name written as a phrase (see the module docstring)."""
    people: list[str] = list(extra)
    for row in map.rows:
        for cell in row.cells.values():
            for provision in cell.provisions:
                people.extend(provision.staff_names)
                people.extend(provision.pupil_names)
    found = set()
    for person in people:
        person = _SPACES.sub(" ", (person or "").strip())
        words = [w.strip("'’-") for w in re.split(r"[^\w'’-]+", person) if w.strip("'’-")]
        described = "(" in person or any(word.islower() and len(word) >= 4 or word == "and" for word in words)
        # Lower-case particles of a personal name ("de Souza") are not names on their own.
        parts = [] if described else [w for w in words if len(w) >= 2 and not w.isdigit() and not w.islower()]
        found.update(parts or ([person] if len(person) >= 2 else []))
    return found


def _name_pattern(words: set[str]) -> re.Pattern | None:
    if not words:
        return None
    # Longest first, so that "Ann-Marie" is matched before "Ann".
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternatives})(?:['’]s)?(?![\w])", re.IGNORECASE)


def _names_someone(text: str, names: re.Pattern | None) -> bool:
    return bool(_TITLED_PERSON.search(text or "")) or bool(names is not None and names.search(text or ""))


def _has_codes(text: str) -> bool:
    """Whether ``text`` carries an internal code (an SEN status or need-type code, a wave, a cost)."""
    return any(pattern.search(text) for pattern, _words in _CODE_WORDS)


def _clean_codes(text: str) -> str:
    for pattern, words in _CODE_WORDS:
        text = pattern.sub(words, text)
    text = re.sub(r"\(\s*\)", "", text)
    text = _SPACES.sub(" ", text).strip()
    return text.strip(" -–:,/")

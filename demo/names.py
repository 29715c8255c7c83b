"""People's names: a family's background (``Origin``), drawn in roughly the mix of England's school population,
the names it gives, and the ASCII form of a name for usernames and email addresses."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from demo.data.names import HOME_POOLS, MIXED_WEIGHT, NAME_POOLS


@dataclass(frozen=True)
class Origin:
    """A family's naming background: the pools its first names come from, and its surname."""

    pools: tuple[str, ...]
    surname: str
    eal_rate: float

    def first_name(self, rng: random.Random, gender: str, *, adult: bool = False) -> str:
        pool = NAME_POOLS[rng.choice(self.pools)]
        if adult:
            names = (pool.women if gender == "F" else pool.men) or (pool.girls if gender == "F" else pool.boys)
            # Parents and staff were named in the 1970s-2000s, but many names never go out of use.
            if rng.random() < 0.3:
                names = pool.girls if gender == "F" else pool.boys
        else:
            names = pool.girls if gender == "F" else pool.boys
        return rng.choice(names)

    def last_name(self, gender: str) -> str:
        return surname_form(self.surname, gender)


def surname_form(surname: str, gender: str) -> str:
    """The form of ``surname`` for ``gender``: "Kowalski|Kowalska" gives Kowalska for a girl."""
    male, _, female = surname.partition("|")
    return female if gender == "F" and female else male


_POOL_KEYS = tuple(NAME_POOLS)
_POOL_WEIGHTS = tuple(NAME_POOLS[key].weight for key in _POOL_KEYS)


def draw_origin(rng: random.Random) -> Origin:
    """A family background, in roughly the mix of England's school population."""
    if rng.random() < MIXED_WEIGHT:
        home = rng.choice(HOME_POOLS)
        other = rng.choices(_POOL_KEYS[2:], weights=_POOL_WEIGHTS[2:])[0]
        home_surname = surname_form(rng.choice(NAME_POOLS[home].surnames), "M")
        other_surname = rng.choice(NAME_POOLS[other].surnames)
        roll = rng.random()
        if roll < 0.3:
            surname = f"{surname_form(other_surname, 'M')}-{home_surname}"
        elif roll < 0.65:
            surname = other_surname
        else:
            surname = home_surname
        return Origin(pools=(home, other), surname=surname, eal_rate=NAME_POOLS[other].eal_rate / 3)
    key = rng.choices(_POOL_KEYS, weights=_POOL_WEIGHTS)[0]
    pool = NAME_POOLS[key]
    return Origin(pools=(key,), surname=rng.choice(pool.surnames), eal_rate=pool.eal_rate)


_ASCII_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "ß": "ss"})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``, for usernames and email addresses (Siân -> sian)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    return "".join(char for char in decomposed if char.isascii() and char.isalnum()).lower()

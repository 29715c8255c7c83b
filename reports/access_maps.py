"""Who sees the provision map, its costs and its pupils' names (the map page and its exports share these).

The map is a staff screen: parents see only the published offer. Costs are for the people who hold the budget
(SENCO, senior leader, school admin); pupil names are for staff, who already see the pupils themselves.
"""

from __future__ import annotations

from provision.access import ALL_STAFF
from provision.models import Role

MAP_VIEWERS: tuple[str, ...] = ALL_STAFF
MAP_COST_VIEWERS: tuple[str, ...] = (Role.SENCO, Role.LEADER, Role.ADMIN)
MAP_NAME_VIEWERS: tuple[str, ...] = ALL_STAFF


def shows_costs(role: str | None) -> bool:
    return role in MAP_COST_VIEWERS


def shows_names(role: str | None) -> bool:
    return role in MAP_NAME_VIEWERS

"""Parents invited: the ``parent`` login is the mother or father of two children at Hazel Grove, one in the Year 4
class (on SEN support where possible) and one in Year 1. The elder child is given precision teaching this term and
a support plan, and their group's progress check has them on track, so the parent's pages show current and
finished support; an invitation the SENCO sent two days ago to the other parent (or a classmate's) is still
waiting, so the child's profile shows one pending.
"""

from __future__ import annotations

from demo.data.trust import PRIMARY
from demo.pupils import RollSummary
from pupils.models import SenStatus


def favoured(roll: RollSummary, key: str) -> set[int]:
    """The demo parent's children on SEN support, given support the parent can see (at the primary only)."""
    return {pupil.pk for pupil in roll.parent_children if pupil.sen_status != SenStatus.NONE and key == PRIMARY}

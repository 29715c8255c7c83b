"""SEN support plans and their reviews: most pupils on SEN support and every pupil with an EHC plan at Hazel Grove
have a plan (a sample at Kingsmead), with their needs by broad area, outcomes, strategies, the pupil's and parents'
views and their wave 3 groups. Each has had one to three steps of assess, plan, do, review, the outcomes rated at
each; a pupil with an EHC plan is reviewed annually, one on SEN support termly. The review dates follow the SEN
register's, so its overdue reviews are overdue here too, and each school has at least two to chase.
"""

from __future__ import annotations

from demo.data.trust import PRIMARY, SECONDARY
from pupils.models import SenStatus

SHARE = {
    PRIMARY: {SenStatus.SUPPORT: 0.85, SenStatus.EHC_PLAN: 1.0},
    SECONDARY: {SenStatus.SUPPORT: 0.4, SenStatus.EHC_PLAN: 0.8},
}
OVERDUE_AT_LEAST = 2

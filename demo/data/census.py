"""The national mix the demo's pupils are dealt from (DfE school census): shares of pupil premium, FSM, EAL,
looked-after children and SEN by phase, the need types of pupils on SEN support and with EHC plans, and how SEN
is spread over the year groups. Tables only: ``demo.pupils`` deals the flags from them."""

from __future__ import annotations

from dataclasses import dataclass

from demo.data.trust import PRIMARY, SECONDARY
from pupils.models import SenStatus


@dataclass(frozen=True)
class Rates:
    """Shares of a school's pupils. Pupil premium includes every FSM and looked-after pupil."""

    fsm: float
    pupil_premium: float
    eal: float
    looked_after: float
    sen_support: float
    ehc_plan: float


RATES = {
    PRIMARY: Rates(fsm=0.23, pupil_premium=0.26, eal=0.22, looked_after=0.007, sen_support=0.135, ehc_plan=0.028),
    SECONDARY: Rates(fsm=0.22, pupil_premium=0.26, eal=0.18, looked_after=0.009, sen_support=0.125, ehc_plan=0.036),
}

# Primary need of pupils on SEN support and with EHC plans, roughly as in the census by phase.
SUPPORT_NEEDS = {
    PRIMARY: {
        "SLCN": 30, "SEMH": 17, "MLD": 15, "SPLD": 10, "ASD": 8, "NSA": 5, "OTH": 4, "PD": 2, "HI": 1.5,
        "VI": 0.8, "SLD": 0.8, "MSI": 0.2, "PMLD": 0.1,
    },
    SECONDARY: {
        "SEMH": 24, "SPLD": 19, "MLD": 14, "SLCN": 13, "ASD": 11, "OTH": 5, "NSA": 4, "PD": 2, "HI": 2,
        "VI": 1, "SLD": 0.5, "MSI": 0.3,
    },
}  # fmt: skip
EHC_NEEDS = {
    PRIMARY: {
        "ASD": 34, "SLCN": 24, "SEMH": 11, "SLD": 9, "MLD": 6, "PD": 5, "PMLD": 3, "SPLD": 2, "HI": 2,
        "OTH": 2, "VI": 1, "MSI": 0.5,
    },
    SECONDARY: {
        "ASD": 38, "SEMH": 18, "SLCN": 12, "MLD": 10, "SLD": 6, "SPLD": 5, "PD": 4, "HI": 2, "OTH": 2,
        "VI": 1, "PMLD": 1, "MSI": 0.5,
    },
}  # fmt: skip
SECOND_NEEDS = {"SEMH": 25, "SLCN": 20, "MLD": 12, "SPLD": 10, "ASD": 8, "OTH": 6, "PD": 4, "HI": 3, "VI": 2}
BOYS_SHARE_OF_SEN = {SenStatus.SUPPORT: 0.64, SenStatus.EHC_PLAN: 0.72}
SECOND_NEED_CHANCE = {SenStatus.SUPPORT: 0.3, SenStatus.EHC_PLAN: 0.5}
# SEN support is identified more as pupils move up the primary school and eases off by Year 11.
YEAR_SEN_WEIGHT = {0: 0.6, 1: 0.8, 2: 0.95, 3: 1.05, 4: 1.1, 5: 1.15, 6: 1.15, 7: 1.1, 8: 1.05, 9: 1.0, 10: 0.95, 11: 0.9}  # fmt: skip

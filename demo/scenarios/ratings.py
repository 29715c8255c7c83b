"""Support judged by the pupils' own ratings: language, speech and language therapy, emotional literacy, social
skills, fine motor skills and touch-typing have no assessed subject (``UNMEASURED``). The pupils rate themselves
on joining and leaving, mostly one or two points higher at the end, and their outcomes are judged from that.
The speech and language programmes bring in the NHS therapist, costed once by their fee.
"""

from __future__ import annotations

from dataclasses import replace

from demo.build.designs import UNMEASURED, Recipe
from interventions.models import Area, Delivery, FundingSource, Wave

TALK_BOOST = Recipe(
    "talk_boost", "Talk and listen group", Area.LANGUAGE, Wave.CATCH_UP, UNMEASURED,
    years=(1, 2), size=(4, 6), days_per_week=3, minutes=30, weeks=(8, 10),
    hints=("talk boost", "talk"), need_area="CI", resources=(0, 60),
    criteria="Language delay seen in class; often pupils learning English.",
    summary="Structured language group: listening, vocabulary, building sentences and telling stories.",
)  # fmt: skip

EARLY_LANGUAGE = Recipe(
    "neli", "Early language group", Area.LANGUAGE, Wave.CATCH_UP, UNMEASURED,
    years=(0,), size=(3, 5), days_per_week=3, minutes=20, weeks=(10, 12),
    hints=("neli", "nuffield", "early language"), need_area="CI", resources=(0, 40),
    criteria="Reception children with the weakest oral language on the school's screen.",
    summary="Small-group oral language sessions in Reception: vocabulary, listening and narrative.",
)  # fmt: skip

ELSA = Recipe(
    "elsa", "ELSA", Area.SEMH, Wave.PERSONALISED, UNMEASURED,
    years=(1, 2, 3, 4, 5, 6), size=(1, 1), days_per_week=1, minutes=45, weeks=(6, 8),
    hints=("elsa", "emotional literacy"), delivery=Delivery.ONE_TO_ONE, needs=("SEMH", "ASD"), need_area="SEMH",
    funding=FundingSource.SEN_NOTIONAL, criteria="Anxiety, anger or friendship difficulties affecting learning.",
    summary="Emotional literacy support sessions with a trained ELSA.",
)  # fmt: skip

SPEECH_AND_LANGUAGE = Recipe(
    "salt", "Speech and language programme", Area.LANGUAGE, Wave.PERSONALISED, UNMEASURED,
    years=(0, 1, 2, 3, 4), size=(1, 2), days_per_week=2, minutes=20, weeks=(10, 12),
    hints=("speech", "language programme", "salt"), delivery=Delivery.ONE_TO_ONE, needs=("SLCN", "ASD", "HI"),
    need_area="CI", external="Speech and language therapist (NHS)", external_per_session=12,
    funding=FundingSource.SEN_NOTIONAL, criteria="Speech and language therapy programme in place.",
    summary="The therapist's programme delivered by a TA, with the therapist reviewing each half-term.",
)  # fmt: skip

LEGO = Recipe(
    "lego", "Lego-based therapy", Area.SOCIAL, Wave.PERSONALISED, UNMEASURED,
    years=(2, 3, 4, 5, 6), size=(3, 3), days_per_week=1, minutes=45, weeks=(8, 10),
    hints=("lego",), needs=("ASD", "SLCN", "SEMH"), need_area="CI", funding=FundingSource.SEN_NOTIONAL,
    resources=(80, 150), criteria="Social communication difficulties; finds group work hard.",
    summary="Three pupils build together as engineer, supplier and builder, practising turn-taking and talk.",
)  # fmt: skip

FINE_MOTOR = Recipe(
    "fine_motor", "Fine motor skills group", Area.MOTOR, Wave.PERSONALISED, UNMEASURED,
    years=(1, 2, 3), size=(2, 3), days_per_week=3, minutes=15, weeks=(6, 8),
    hints=("motor", "handwriting", "clever hands"), needs=("PD", "OTH", "ASD", "VI"), need_area="SP",
    funding=FundingSource.SEN_NOTIONAL, resources=(20, 60),
    criteria="Difficulties with pencil grip, scissors and fastenings.",
    summary="Warm-ups, threading, scissor work and letter formation.",
)  # fmt: skip

MENTORING = Recipe(
    "mentoring", "Mentoring", Area.SEMH, Wave.PERSONALISED, UNMEASURED,
    years=(7, 8, 9, 10, 11), size=(1, 1), days_per_week=1, minutes=50, weeks=(6, 10),
    own=True, delivery=Delivery.ONE_TO_ONE, needs=("SEMH", "ASD"), need_area="SEMH",
    funding=FundingSource.SEN_NOTIONAL, criteria="Anxiety, anger or attendance worries affecting learning.",
    summary="Weekly one-to-one sessions with a mentor: goals, feelings, strategies.",
)  # fmt: skip

KS3_SOCIAL_SKILLS = Recipe(
    "lego", "Social skills group", Area.SOCIAL, Wave.PERSONALISED, UNMEASURED,
    years=(7, 8), size=(3, 4), days_per_week=1, minutes=50, weeks=(8, 10),
    hints=("lego", "social"), needs=("ASD", "SLCN"), need_area="CI", funding=FundingSource.SEN_NOTIONAL,
    resources=(40, 120), criteria="Autism or social communication needs; isolated at unstructured times.",
    summary="A small group practising conversation, teamwork and problem-solving.",
)  # fmt: skip

KS3_SPEECH_AND_LANGUAGE = replace(
    SPEECH_AND_LANGUAGE,
    years=(7, 8, 9),
    minutes=25,
    summary="The therapist's programme delivered by a learning support assistant.",
)

TOUCH_TYPING = Recipe(
    "touch_typing", "Touch-typing", Area.MOTOR, Wave.PERSONALISED, UNMEASURED,
    years=(7, 8, 9), size=(2, 4), days_per_week=2, minutes=30, weeks=(8, 10),
    hints=("typing", "motor"), needs=("PD", "SPLD", "VI", "OTH"), need_area="SP",
    funding=FundingSource.SEN_NOTIONAL, resources=(0, 40),
    criteria="Handwriting is slow or painful; laptop as normal way of working.",
    summary="Learning to touch-type with an online course, practised in lessons.",
)  # fmt: skip

"""The words the demo's provision is written in: what a session was about, a session's steps, pupils' targets,
the texts of support plans and their reviews, and when groups meet. Tables only: ``demo.build`` draws from them."""

from __future__ import annotations

import datetime as dt

from demo.build.designs import HARMFUL, INEFFECTIVE
from demo.data.trust import PRIMARY, SECONDARY
from interventions.models import AbsenceReason, Area, ReviewStage

FOCUS = {
    Area.READING: [
        "Reread yesterday's book, then a new book at the next level", "Reading for meaning: who, what, where",
        "Sight words on flashcards, then in a sentence", "Predicting from the cover and title",
        "Cut-up sentence rebuilt and reread", "Fluency: paired reading of a short passage",
        "Summarising a paragraph in one sentence", "Questioning the text: why did the character do that?",
    ],
    Area.PHONICS: [
        "Digraphs sh, ch, th", "Split digraphs a-e and i-e", "Blending words with adjacent consonants",
        "Tricky words: said, have, like, come", "Alternative spellings of the 'ay' sound", "Reading nonsense words",
    ],
    Area.MATHS: [
        "Number bonds with a ten frame", "Place value: partitioning", "Counting on and back in tens",
        "Column addition with an exchange", "Times tables: 3s and 4s", "Fractions of shapes and amounts",
        "Word problems: which operation?", "Negative numbers on a number line", "Percentages of amounts",
        "Solving one-step equations",
    ],
    Area.SPELLING: [
        "Words ending -tion", "Doubling the consonant before -ing", "Homophones: there, their, they're",
        "This week's list: look, say, cover, write, check", "Prefixes un- and dis-", "Silent letters: kn, wr",
    ],
    Area.WRITING: [
        "Sentence openers and full stops", "Extending sentences with because and so",
        "Planning with a story map", "Editing for capital letters", "Expanded noun phrases",
        "Timed answer to a language question",
    ],
    Area.LANGUAGE: [
        "Vocabulary: words about the weather", "Following two-part instructions", "Telling a story from pictures",
        "Barrier game with shapes", "Asking and answering why questions", "Describing objects from a feely bag",
    ],
    Area.SOCIAL: [
        "Turn-taking in a building task", "Roles: engineer, supplier, builder", "Agreeing a plan together",
        "Sorting out a disagreement over pieces", "How did we work together today?",
    ],
    Area.SEMH: [
        "Naming feelings with emotion cards", "Calming strategies: breathing and the calm box",
        "What makes a good friend", "Anger: what happens in my body", "Things I am good at",
        "The worry jar", "Problem-solving a playground situation", "Goals for next week",
    ],
    Area.MOTOR: [
        "Threading and pegboard warm-up", "Cutting along curves", "Pencil grip and letter formation",
        "Buttons and zips", "Touch-typing: home keys", "Touch-typing: top row",
    ],
}  # fmt: skip
STEPS = {
    "literacy": (
        "Reread the words from last session", "Adult models the new sound or word, thinking aloud",
        "Pupils try it with the adult's prompts", "Read it in a short text", "Independent reading, adult listens",
        "Pupils say what they learnt and rate their confidence",
    ),
    "maths": (
        "Quick recall of last session's facts", "Adult models the method with equipment",
        "Pupils try two examples with support", "Use it in a word problem", "Three on their own, then checked",
        "Pupils explain the method back",
    ),
    "other": (
        "Recap of last week's strategy", "Adult models it with a scenario", "Pupils try it in role play",
        "Plan when to use it this week", "Practise it in a game", "Rate how it went on the scale",
    ),
}  # fmt: skip
SESSION_NOTES = [
    "", "", "", "", "", "", "Good focus from everyone.", "Session cut short by a fire drill.",
    "Two pupils tired after PE.", "Used the new word cards.", "Moved to the library: room in use.",
]  # fmt: skip

PUPIL_TARGETS = {
    (Area.READING, PRIMARY): [
        "I want to read chapter books on my own", "I want to read my book to my little brother",
        "I want to read the words on the board without help", "I want to get to the next book band",
    ],
    (Area.READING, SECONDARY): [
        "I want to read the questions in science without asking", "I want to read a whole book this year",
        "I want to read out loud in class without getting stuck",
    ],
    (Area.PHONICS, PRIMARY): ["I want to sound out long words", "I want to know all my sounds"],
    (Area.PHONICS, SECONDARY): ["I want to read new words without guessing", "I want to read menus and signs"],
    (Area.MATHS, PRIMARY): [
        "I want to know my times tables up to 5", "I want to do take-aways without my fingers",
        "I want to be quicker at my number facts",
    ],
    (Area.MATHS, SECONDARY): [
        "I want to get a 4 in maths", "I want to do fractions without panicking", "I want to do my homework on my own",
    ],
    (Area.SPELLING, PRIMARY): [
        "I want to spell words in my writing without asking", "I want to get 8 out of 10 in my spelling test",
    ],
    (Area.SPELLING, SECONDARY): ["I want my spelling to stop losing me marks", "I want to spell science words right"],
    (Area.WRITING, PRIMARY): ["I want to write a whole page for my story", "I want to remember my full stops"],
    (Area.WRITING, SECONDARY): ["I want to finish the essay question in time", "I want to get a 5 in English"],
    (Area.LANGUAGE, PRIMARY): [
        "I want to tell my friends about my weekend", "I want to understand what my teacher says",
        "I want to say what I think in class",
    ],
    (Area.LANGUAGE, SECONDARY): ["I want to explain my answers in class", "I want to understand instructions first time"],
    (Area.SOCIAL, PRIMARY): [
        "I want to play football with the others at break", "I want to work in a group without arguing",
    ],
    (Area.SOCIAL, SECONDARY): ["I want to eat lunch with people", "I want to work with a partner in lessons"],
    (Area.SEMH, PRIMARY): [
        "I want to feel calm at lunchtime", "I want to know what to do when I get angry",
        "I want to feel happy coming to school",
    ],
    (Area.SEMH, SECONDARY): [
        "I want to stop getting sent out of lessons", "I want to talk to someone when I'm stressed",
        "I want to come to school every day",
    ],
    (Area.MOTOR, PRIMARY): ["I want to do my buttons up myself", "I want my writing to be neat so people can read it"],
    (Area.MOTOR, SECONDARY): ["I want to type my work", "I want my hand to stop hurting when I write"],
}  # fmt: skip
UNMEASURED_TARGETS = {
    Area.LANGUAGE: [
        "To follow two-part instructions in class without a visual prompt", "To use five new topic words in talk",
        "To retell a short story in the right order",
    ],
    Area.SOCIAL: [
        "To take turns and share in a group game for ten minutes", "To join a structured game at lunchtime twice a week",
    ],
    Area.SEMH: [
        "To use a calming strategy independently when upset, four times out of five",
        "To name three feelings and say what helps with each", "To attend every lesson with no removals for four weeks",
    ],
    Area.MOTOR: [
        "To fasten buttons and zips independently", "To form all lower-case letters correctly",
        "To type at 20 words a minute",
    ],
}  # fmt: skip

NEED_TEXT = {
    "SLCN": "Understanding of spoken language below age: needs instructions broken down and visual support; "
    "limited vocabulary for topic work.",
    "ASD": "Autism: finds changes of routine and unstructured times hard; takes language literally; sensitive to "
    "noise.",
    "SPLD": "Dyslexic profile: slow, inaccurate word reading and spelling despite good understanding; weak "
    "phonological memory.",
    "MLD": "Learning across the curriculum well below age; needs new ideas in small steps with concrete "
    "resources and plenty of repetition.",
    "SLD": "Severe learning difficulty: working well below age in all areas; needs a personalised curriculum and "
    "adult support through the day.",
    "PMLD": "Profound and multiple learning difficulties: communicates through gesture and objects of reference; "
    "needs full support with personal care.",
    "SEMH": "Anxiety and low mood affect attendance and learning; struggles to manage anger at unstructured times.",
    "HI": "Moderate hearing loss (wears hearing aids): misses spoken information in noisy rooms; needs a radio aid "
    "and to sit near the teacher.",
    "VI": "Visual impairment: needs enlarged print and good lighting; tires quickly with close work.",
    "MSI": "Combined hearing and visual impairment: follows the specialist teacher's advice; tactile resources.",
    "PD": "Physical disability: limited fine motor control and stamina; needs a writing slope, adapted equipment "
    "and help moving around school.",
    "OTH": "Medical needs affect attendance and concentration; needs rest breaks and follows a health care plan.",
    "NSA": "Difficulties with learning and attention not yet assessed by a specialist; referred to the "
    "educational psychologist.",
}
OUTCOMES = {
    "CI": "Will follow classroom instructions with a visual prompt and join in paired talk in lessons.",
    "CL": "Will close the gap in reading and spelling, reading age rising faster than the calendar.",
    "SEMH": "Will recognise when they are becoming upset and use an agreed strategy, with fewer incidents.",
    "SP": "Will take part fully in lessons with the right equipment and record work independently.",
    "OTHER": "Will attend regularly and manage their health needs in school with the agreed support.",
}
STRATEGIES = {
    "CI": "Visual timetable; instructions one step at a time; key vocabulary pre-taught; time to answer.",
    "CL": "Dyslexia-friendly slides; word banks; alternative ways to record; reading age checked before texts.",
    "SEMH": "Calm space and a time-out card; meet-and-greet at the door; warning before changes.",
    "SP": "Seated near the front; enlarged or adapted resources; laptop for longer writing.",
    "OTHER": "Rest breaks; health care plan followed; catch-up work sent home after absence.",
}
PUPIL_VIEWS = {
    PRIMARY: [
        "I like working with Miss in the small room. Reading is getting easier but long words are still hard.",
        "I don't like it when it's noisy. My timetable on my desk helps me know what's next.",
        "I get worried at playtime. Talking about it helps.", "I am good at drawing and Lego. Writing makes my hand hurt.",
        "I like the games in my group. I want to be able to read like my friends.",
    ],
    SECONDARY: [
        "Teachers talk too fast sometimes. Having the slides printed helps.",
        "I don't want to be taken out of lessons I like. Mentoring is OK though.",
        "I'm fine in small groups but big classes stress me out.", "I want to do well in my GCSEs and go to college.",
        "Reading out loud is the worst. Please don't make me.",
    ],
}  # fmt: skip
PARENT_VIEWS = [
    "We have seen more confidence at home; reading at bedtime is less of a battle.",
    "We are worried about the move to the next school and would like a transition plan.",
    "Tired after school; homework often ends in tears.",
    "Please let us know what we can practise at home.",
    "Happy with the support. Would like more notice of changes to staff.",
    "",
]
REVIEW_TEXT = {
    ReviewStage.ASSESS: (
        "Views gathered from the class teacher, parents and the pupil; assessment results and observations reviewed.",
        "",
        "Agree outcomes and provision at a planning meeting.",
    ),
    ReviewStage.PLAN: (
        "Outcomes and provision agreed with parents; adults responsible and the review date named.",
        "",
        "Start the provision; class teacher to use the agreed strategies.",
    ),
    ReviewStage.DO: (
        "Provision in place and sessions logged; class teacher adapting lessons as agreed.",
        "Early signs of progress; the pupil says the sessions help.",
        "Continue; check attendance at sessions.",
    ),
    ReviewStage.REVIEW: (
        "Progress reviewed against the outcomes with parents and the pupil.",
        "",
        "",
    ),
}
REVIEW_PROGRESS = [
    "Good progress towards two of the three outcomes.", "Some progress; still well below age in reading.",
    "Little change so far; attendance at sessions was low.", "Outcome met: strategies used independently.",
]  # fmt: skip
REVIEW_NEXT = [
    "Continue the current provision for another term.", "Refer to the speech and language therapy service.",
    "Reduce support as the outcomes are being met.", "Consider requesting an EHC needs assessment.",
]  # fmt: skip
TRAINING_NOTES = ["Two-day course with the programme's trainer", "Trained in school by the SENCO", "Online modules", ""]
ABSENCE_WEIGHTS = {
    AbsenceReason.ABSENT_FROM_SCHOOL: 50,
    AbsenceReason.CLASH: 20,
    AbsenceReason.UNWELL: 10,
    AbsenceReason.REFUSED: 10,
    AbsenceReason.OTHER: 10,
}
DAY_PATTERNS = {
    1: [(0,), (1,), (2,), (3,), (4,)],
    2: [(0, 3), (1, 4), (1, 3), (0, 2)],
    3: [(0, 2, 4), (1, 2, 3), (0, 1, 3), (1, 3, 4)],
    4: [(0, 1, 2, 3), (0, 1, 3, 4), (1, 2, 3, 4)],
    5: [(0, 1, 2, 3, 4)],
}
START_TIMES = {
    PRIMARY: [dt.time(8, 50), dt.time(9, 10), dt.time(10, 45), dt.time(13, 15), dt.time(14, 20)],
    SECONDARY: [dt.time(8, 40), dt.time(10, 55), dt.time(12, 35), dt.time(14, 5), dt.time(15, 10)],
}

# What the SENCO wrote at the end of a finished group that did not help (about half of them) or that harmed.
END_OF_GROUP_NOTES = {
    INEFFECTIVE: "End-of-group review: the pupils enjoyed it but their results barely moved. Review before rerunning.",
    HARMFUL: (
        "End-of-group review: the pupils missed a third of their maths lessons and their class teachers "
        "say they are further behind the set. Do not rerun as a withdrawal group."
    ),
}

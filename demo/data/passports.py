"""One-page profiles in a child's voice, chosen by the area of their recorded need. Tables only."""

# One-page profiles: a few sentences in a child's voice, chosen by the area of their recorded need.
PASSPORT_ABOUT = {
    "CI": ["I like things to be the same every day.", "I think in pictures. Talking fast is hard to follow."],
    "CL": ["I work hard but reading takes me longer.", "I know lots of things but writing them down is hard."],
    "SEMH": ["Sometimes I get worried and it looks like I am being silly.", "Mornings can be hard for me."],
    "SP": ["I wear hearing aids. Please check they are on.", "I get tired because moving about takes effort."],
    "": ["I like school when I know what is happening.", "I try my best even when it does not look like it."],
}
PASSPORT_STRENGTHS = [
    "Drawing and making things.\nI am kind to younger children.",
    "Football and running.\nI remember facts about animals.",
    "Lego and building.\nI am good at helping in the classroom.",
    "Singing.\nI am a good friend.",
    "Maths puzzles.\nLooking after the class plants.",
]
PASSPORT_HELPS = {
    "CI": "A visual timetable on my desk.\nBeing told before things change.\nShort instructions, one at a time.",
    "CL": "Words I need written on a card.\nExtra time to finish.\nReading with a grown-up before the lesson.",
    "SEMH": "A quiet place I can go when it is too much.\nA job to do when I come in.\nA calm voice.",
    "SP": "Sitting near the front.\nYou facing me when you talk.\nA break when I am tired.",
    "": "Knowing what we are doing next.\nBeing asked in a quiet way.",
}
PASSPORT_NOT_HELPS = [
    "Being told off in front of everyone.",
    "Lots of noise when I am trying to work.",
    "Being rushed.",
    "Reading out loud without warning.",
    "Changes without being told.",
]
PASSPORT_WRITERS = ["Mum and Miss Hughes (TA)", "Dad and the SENCO", "Gran and my class teacher", "my class teacher"]

"""The shared programme catalogue: widely used programmes in English schools, with public facts only.

Plain data (no Django imports) so that it can be read, tested and compared with the frozen copy that the data
migration ``0002_shared_catalogue`` seeds. Change both together: ``tests/interventions/test_catalogue.py``
checks that they agree.

Delivery figures are the typical published pattern; schools adapt them. Evidence strength is deliberately
conservative: "moderate" needs at least one rigorous trial with a positive result, "promising" means some
positive but small, early or contested findings, and "limited" means little independent evidence (including
programmes whose one rigorous trial found no clear benefit). Codes: ``area`` is an ``Area`` value,
``need_areas`` are ``NeedArea`` codes (CI, CL, SEMH, SP), ``delivered_by`` is a ``StaffRole`` value.
"""

from __future__ import annotations

PROGRAMMES: list[dict] = [
    # --- Reading and phonics ----------------------------------------------------------------------------
    {
        "name": "Reading Recovery",
        "area": "reading",
        "key_stages": ["KS1"],
        "need_areas": ["CL"],
        "wave": 3,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 1,
        "sessions_per_week": 5,
        "minutes_per_session": 30,
        "weeks": 20,
        "delivered_by": "teacher",
        "cost_notes": "Needs a teacher with the year-long specialist training and a bank of levelled books: one of "
        "the costliest options per pupil.",
        "summary": "Daily one-to-one lessons for the lowest-attaining readers in Year 1, taught by a specially "
        "trained teacher. Each lesson mixes rereading familiar books, a new book, work on letters and words and "
        "writing a short message, planned from close observation of the child's reading.",
        "evidence_summary": "Large randomised trials in the USA found big short-term gains in reading; a later US "
        "follow-up did not find the advantage lasting into older year groups. Evaluations in England have mostly "
        "not been randomised.",
        "evidence_strength": "moderate",
        "link": "",
    },
    {
        "name": "Switch-on Reading",
        "area": "reading",
        "key_stages": ["KS2", "KS3"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 1,
        "sessions_per_week": 5,
        "minutes_per_session": 20,
        "weeks": 10,
        "delivered_by": "ta",
        "cost_notes": "Staff training plus sets of finely graded books; subsidised places have been offered through "
        "EEF scale-up funding.",
        "summary": "An intensive ten-week reading programme, adapted from Reading Recovery, in which a trained "
        "teaching assistant works one-to-one with a struggling reader for twenty minutes every day using "
        "closely levelled books.",
        "evidence_summary": "An EEF-funded trial with Year 7 pupils found about three months' additional progress. "
        "A larger EEF trial with Year 3 pupils, trained at scale, found no additional progress compared with usual "
        "support.",
        "evidence_strength": "promising",
        "link": "",
    },
    {
        "name": "Catch Up Literacy",
        "area": "reading",
        "key_stages": ["KS1", "KS2", "KS3"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 1,
        "sessions_per_week": 2,
        "minutes_per_session": 15,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "Training for teaching assistants and a lead; uses books the school already has, matched to "
        "the pupil's level.",
        "summary": "Two short one-to-one sessions a week for readers aged six to fourteen who are struggling. The "
        "adult assesses the pupil, matches a book to their level, hears them read and teaches the specific "
        "phonics and word-recognition steps they need next.",
        "evidence_summary": "An EEF-funded trial at the move to secondary school found pupils made a little more "
        "progress than the comparison group, but the difference was not statistically significant; attitudes to "
        "reading and school improved.",
        "evidence_strength": "promising",
        "link": "https://www.catchup.org",
    },
    {
        "name": "Better Reading Partnership",
        "area": "reading",
        "key_stages": ["KS1", "KS2"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 1,
        "sessions_per_week": 3,
        "minutes_per_session": 15,
        "weeks": 10,
        "delivered_by": "ta",
        "cost_notes": "Short training course for the adults who deliver it (teaching assistants or volunteers) and "
        "a supply of levelled books.",
        "summary": "A trained adult reads with a pupil three times a week for ten weeks. Each session revisits a "
        "familiar book, introduces a new one and talks about the strategies the pupil used, to build fluency and "
        "confidence.",
        "evidence_summary": "Local authority monitoring reports gains in reading age, but there is no published "
        "independent controlled trial.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Toe by Toe",
        "area": "phonics",
        "key_stages": ["KS2", "KS3", "KS4"],
        "need_areas": ["CL"],
        "wave": 3,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 1,
        "sessions_per_week": 5,
        "minutes_per_session": 20,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "One manual per pupil; no formal training needed, though the coach should read the "
        "instructions closely.",
        "summary": "A single, highly structured manual that an adult coach works through page by page with an older "
        "struggling or dyslexic reader, practising sounds, made-up words and real words until each is read without "
        "hesitation. Short daily sessions are recommended.",
        "evidence_summary": "Widely used and valued by schools, but independent evidence is limited to small studies.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Read Write Inc. Fresh Start",
        "area": "phonics",
        "key_stages": ["KS2", "KS3"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 4,
        "group_size_max": 12,
        "sessions_per_week": 5,
        "minutes_per_session": 60,
        "weeks": 33,
        "delivered_by": "teacher",
        "cost_notes": "Licensed training for staff and a set of age-appropriate modules and anthologies for each "
        "pupil.",
        "summary": "A phonics-based catch-up programme for pupils in Years 5 to 8 who are reading well below their "
        "age. Pupils are grouped by reading level and taught daily, moving from sounds and blending to fluency and "
        "comprehension with texts written for older readers.",
        "evidence_summary": "An early EEF-funded trial with Year 7 pupils found about three months' additional "
        "progress; a later, much larger EEF trial in primary schools found smaller and less certain effects.",
        "evidence_strength": "promising",
        "link": "https://www.ruthmiskin.com",
    },
    {
        "name": "Lexia Core5 Reading",
        "area": "reading",
        "key_stages": ["KS1", "KS2"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "online",
        "group_size_min": 1,
        "group_size_max": 15,
        "sessions_per_week": 4,
        "minutes_per_session": 30,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "Annual licence per school or per pupil; needs devices and headphones, and an adult to check "
        "the progress reports each week. PowerUp is the version for older pupils.",
        "summary": "Adaptive software in which pupils work independently through phonics, word study, vocabulary, "
        "fluency and comprehension activities. It places each pupil at a starting level, adjusts as they go and "
        "flags who needs teaching from an adult.",
        "evidence_summary": "An EEF-funded trial with struggling Year 2 readers found about one month's additional "
        "progress (two months for pupils eligible for free school meals). Much of the other research comes from "
        "the USA.",
        "evidence_strength": "promising",
        "link": "https://www.lexiauk.co.uk",
    },
    {
        "name": "Accelerated Reader",
        "area": "reading",
        "key_stages": ["KS2", "KS3"],
        "need_areas": ["CL"],
        "wave": 1,
        "delivery": "whole_class",
        "group_size_min": 1,
        "group_size_max": 32,
        "sessions_per_week": 5,
        "minutes_per_session": 20,
        "weeks": None,
        "delivered_by": "teacher",
        "cost_notes": "Annual subscription; works best with a well-stocked library labelled by book level.",
        "summary": "Software that manages independent reading: a screening test suggests a range of book levels, "
        "pupils choose books in that range, and short online quizzes after each book let the teacher monitor "
        "reading and comprehension.",
        "evidence_summary": "A small EEF-funded trial with weaker Year 7 readers found about three months' "
        "additional progress; a much larger EEF trial in Years 4 and 5 found no overall impact.",
        "evidence_strength": "promising",
        "link": "https://www.renaissance.com",
    },
    {
        "name": "Reciprocal Reading",
        "area": "reading",
        "key_stages": ["KS2", "KS3"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 4,
        "group_size_max": 8,
        "sessions_per_week": 2,
        "minutes_per_session": 30,
        "weeks": 12,
        "delivered_by": "ta",
        "cost_notes": "Two days of training for the adults who deliver it, plus books and guidance materials.",
        "summary": "For pupils who can decode but do not understand what they read. Through structured discussion "
        "of short sections of text, the group practises four strategies (predicting, clarifying, questioning and "
        "summarising) until pupils use them on their own.",
        "evidence_summary": "An EEF-funded trial found about two months' additional progress for the targeted "
        "small-group version in Years 5 and 6 (no effect for the whole-class version), backed by wider research "
        "on teaching comprehension strategies.",
        "evidence_strength": "moderate",
        "link": "https://fft.org.uk/literacy/reciprocal-reading/",
    },
    {
        "name": "Inference training",
        "area": "reading",
        "key_stages": ["KS2", "KS3"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 4,
        "group_size_max": 6,
        "sessions_per_week": 2,
        "minutes_per_session": 40,
        "weeks": 10,
        "delivered_by": "ta",
        "cost_notes": "Training for the adults and a set of short texts; low running costs.",
        "summary": "Small-group sessions for fluent decoders who miss what a text implies. Pupils practise finding "
        "clue words, asking and answering questions, predicting and explaining what the writer suggests but does "
        "not say.",
        "evidence_summary": "Grounded in university research showing that inference can be taught, from small "
        "controlled studies; the packaged school versions have had little independent evaluation.",
        "evidence_strength": "promising",
        "link": "",
    },
    {
        "name": "Units of Sound",
        "area": "spelling",
        "key_stages": ["KS2", "KS3", "KS4"],
        "need_areas": ["CL"],
        "wave": 3,
        "delivery": "online",
        "group_size_min": 1,
        "group_size_max": 4,
        "sessions_per_week": 3,
        "minutes_per_session": 30,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "Subscription per school; needs computers with headphones and a supervising adult.",
        "summary": "A computer-based, multisensory reading and spelling programme for older pupils with dyslexic "
        "difficulties. Pupils work through sound-to-letter units at their own pace while an adult checks their "
        "reading aloud and progress.",
        "evidence_summary": "Used for many years by dyslexia specialists; published evidence is mostly small "
        "studies and provider data.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Beat Dyslexia",
        "area": "phonics",
        "key_stages": ["KS1", "KS2", "KS3"],
        "need_areas": ["CL"],
        "wave": 3,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 2,
        "sessions_per_week": 3,
        "minutes_per_session": 20,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "A series of photocopiable workbooks; no formal training.",
        "summary": "A graded series of multisensory activity books that teach letter sounds, blending, reading and "
        "spelling in very small steps, with plenty of overlearning for pupils with dyslexic difficulties.",
        "evidence_summary": "Follows well-established structured, multisensory phonics principles, but the "
        "programme itself has little independent evaluation.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Precision Teaching",
        "area": "other",
        "key_stages": ["KS1", "KS2", "KS3", "KS4"],
        "need_areas": ["CL"],
        "wave": 3,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 1,
        "sessions_per_week": 5,
        "minutes_per_session": 10,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "A teaching method rather than a product: a short training session and printable probe "
        "sheets and charts.",
        "summary": "A daily routine for securing a small set of target items such as sight words, spellings or "
        "number facts: a few minutes' teaching, then a one-minute timed probe whose score is charted, so the adult "
        "can see quickly whether the teaching is working and change it if not.",
        "evidence_summary": "Rests on a long line of behavioural research, mainly small single-case studies that "
        "show gains in fluency; few group trials.",
        "evidence_strength": "promising",
        "link": "",
    },
    # --- Writing, handwriting and motor skills -----------------------------------------------------------
    {
        "name": "Write from the Start",
        "area": "handwriting",
        "key_stages": ["EYFS", "KS1", "KS2"],
        "need_areas": ["SP"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 1,
        "group_size_max": 6,
        "sessions_per_week": 3,
        "minutes_per_session": 20,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "Two activity books; no formal training.",
        "summary": "Builds the perceptual and fine motor control that handwriting depends on, through a sequence "
        "of tracing, drawing and shape activities that train eye-hand coordination and spatial awareness before "
        "and alongside letter formation.",
        "evidence_summary": "Often recommended by occupational therapists; little independent evaluation.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Speed Up! handwriting",
        "area": "handwriting",
        "key_stages": ["KS2", "KS3"],
        "need_areas": ["SP"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 1,
        "group_size_max": 6,
        "sessions_per_week": 2,
        "minutes_per_session": 30,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "One published book of session plans; no formal training.",
        "summary": "A kinaesthetic handwriting programme for older pupils whose writing is slow or effortful, "
        "combining warm-up movement, posture and grip work with practice in fluent, joined letter patterns.",
        "evidence_summary": "Draws on occupational therapy practice; little independent evaluation.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Fine motor skills group",
        "area": "motor",
        "key_stages": ["EYFS", "KS1", "KS2"],
        "need_areas": ["SP"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 2,
        "group_size_max": 6,
        "sessions_per_week": 3,
        "minutes_per_session": 15,
        "weeks": 8,
        "delivered_by": "ta",
        "cost_notes": "Cheap everyday equipment (pegs, dough, threading, tweezers, scissors); several published "
        "packs exist.",
        "summary": "Short, frequent sessions of activities that strengthen the hands and fingers and improve "
        "control, such as threading, pegs, dough, cutting and picking up small objects, often planned with advice "
        "from an occupational therapist. This entry covers the general approach rather than one branded pack.",
        "evidence_summary": "Common practice with a clear rationale, but little controlled evidence of effects on "
        "handwriting or attainment.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Sensory circuits",
        "area": "motor",
        "key_stages": ["EYFS", "KS1", "KS2"],
        "need_areas": ["SP"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 2,
        "group_size_max": 10,
        "sessions_per_week": 5,
        "minutes_per_session": 15,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "PE and soft-play equipment most schools already own.",
        "summary": "A short circuit of alerting, organising and calming physical activities, usually run at the "
        "start of the school day, to help pupils with sensory processing differences settle and be ready to learn.",
        "evidence_summary": "Popular and often suggested by occupational therapists; very little controlled research.",
        "evidence_strength": "limited",
        "link": "",
    },
    # --- Maths ------------------------------------------------------------------------------------------------
    {
        "name": "Catch Up Numeracy",
        "area": "maths",
        "key_stages": ["KS1", "KS2", "KS3"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 1,
        "sessions_per_week": 2,
        "minutes_per_session": 15,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "Training for teaching assistants and a lead, plus the assessment and activity materials.",
        "summary": "Splits numeracy into ten components, assesses the pupil on each and then targets teaching at "
        "the weakest, in two short one-to-one sessions a week, for pupils aged six to fourteen.",
        "evidence_summary": "An EEF-funded trial found gains, but pupils given the same amount of structured "
        "one-to-one time without the programme did as well; a second, larger EEF trial found no extra impact "
        "compared with well-organised teaching assistant support.",
        "evidence_strength": "promising",
        "link": "https://www.catchup.org",
    },
    {
        "name": "1stClass@Number",
        "area": "maths",
        "key_stages": ["KS1"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 2,
        "group_size_max": 4,
        "sessions_per_week": 3,
        "minutes_per_session": 30,
        "weeks": 10,
        "delivered_by": "ta",
        "cost_notes": "Training for a teaching assistant and a link teacher, with a resource pack; subsidised "
        "places have been offered through EEF scale-up funding.",
        "summary": "A ten-week programme of around thirty lessons for groups of up to four Year 2 pupils who are "
        "behind in counting, number and early calculation, taught by a trained teaching assistant from detailed "
        "lesson plans with lots of talk and games.",
        "evidence_summary": "Two EEF-funded trials each found about two months' additional progress in maths.",
        "evidence_strength": "moderate",
        "link": "https://everychildcounts.edgehill.ac.uk",
    },
    {
        "name": "Success@Arithmetic",
        "area": "maths",
        "key_stages": ["KS2", "KS3"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 1,
        "group_size_max": 3,
        "sessions_per_week": 3,
        "minutes_per_session": 30,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "Training for the adults who deliver it and a link teacher, with lesson materials.",
        "summary": "A programme for older primary and lower secondary pupils who have fallen behind in "
        "calculation, rebuilding number sense and written and mental methods with concrete apparatus and "
        "pictures before abstract work.",
        "evidence_summary": "Evidence comes mainly from the developer's own monitoring of pupils' progress; "
        "little independent controlled evaluation.",
        "evidence_strength": "limited",
        "link": "https://everychildcounts.edgehill.ac.uk",
    },
    {
        "name": "Numbers Count",
        "area": "maths",
        "key_stages": ["KS1", "KS2"],
        "need_areas": ["CL"],
        "wave": 3,
        "delivery": "small_group",
        "group_size_min": 1,
        "group_size_max": 3,
        "sessions_per_week": 3,
        "minutes_per_session": 30,
        "weeks": 12,
        "delivered_by": "teacher",
        "cost_notes": "Needs a specially trained teacher, so it costs more per pupil than assistant-led options.",
        "summary": "Intensive teaching for pupils with the most serious difficulties in early number, given by a "
        "specially trained teacher to one to three pupils at a time and planned from a detailed diagnostic "
        "assessment.",
        "evidence_summary": "An independent randomised trial of the original one-to-one version found a clear "
        "short-term gain in maths; less is known about lasting effects.",
        "evidence_strength": "promising",
        "link": "https://everychildcounts.edgehill.ac.uk",
    },
    {
        "name": "Numicon Intervention Programme",
        "area": "maths",
        "key_stages": ["KS1", "KS2"],
        "need_areas": ["CL"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 1,
        "group_size_max": 4,
        "sessions_per_week": 3,
        "minutes_per_session": 20,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "Teaching handbook and Numicon apparatus; optional training courses.",
        "summary": "Uses the Numicon shapes and other apparatus to build pupils' understanding of number and "
        "calculation in short, assessed steps, for pupils who have not grasped early number ideas.",
        "evidence_summary": "Based on the widely used multisensory Numicon approach; little independent evaluation "
        "of the intervention itself.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Plus 1 and Power of 2",
        "area": "maths",
        "key_stages": ["KS1", "KS2", "KS3"],
        "need_areas": ["CL"],
        "wave": 3,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 1,
        "sessions_per_week": 5,
        "minutes_per_session": 15,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "One coaching book per pupil; no formal training.",
        "summary": "Two coaching manuals worked through one-to-one in short daily sessions: Plus 1 secures basic "
        "number concepts, and Power of 2 then practises mental calculation and number facts.",
        "evidence_summary": "Popular in schools, but with little published independent evaluation.",
        "evidence_strength": "limited",
        "link": "",
    },
    # --- Speech, language and communication -------------------------------------------------------------
    {
        "name": "Nuffield Early Language Intervention (NELI)",
        "area": "language",
        "key_stages": ["EYFS"],
        "need_areas": ["CI"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 3,
        "group_size_max": 6,
        "sessions_per_week": 3,
        "minutes_per_session": 30,
        "weeks": 20,
        "delivered_by": "ta",
        "cost_notes": "The DfE has funded training, materials and the LanguageScreen assessment app for state "
        "schools in England since 2020; check current eligibility.",
        "summary": "A scripted twenty-week oral language programme for Reception children with weak language, run "
        "by a trained teaching assistant in three small-group sessions a week plus two short individual sessions. "
        "It develops vocabulary, listening and storytelling, adding early phonological work in the second half.",
        "evidence_summary": "Several randomised trials, including large EEF-funded ones, found about three months' "
        "additional progress in oral language, with benefits still visible later.",
        "evidence_strength": "strong",
        "link": "https://www.teachneli.org",
    },
    {
        "name": "Talk Boost KS1",
        "area": "language",
        "key_stages": ["EYFS", "KS1"],
        "need_areas": ["CI"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 3,
        "group_size_max": 4,
        "sessions_per_week": 3,
        "minutes_per_session": 40,
        "weeks": 10,
        "delivered_by": "ta",
        "cost_notes": "Training for a teacher and teaching assistant pair and a toolkit of games and resources. "
        "Versions exist for the early years (Early Talk Boost) and Key Stage 2.",
        "summary": "A ten-week programme for children aged four to seven with delayed (not disordered) language. "
        "Groups of about four meet three times a week for games, role play and stories on listening, vocabulary, "
        "sentences, storytelling and conversation, with a weekly whole-class session to share the learning.",
        "evidence_summary": "Studies by the developers and university partners report faster language progress; "
        "independent reviewers rate the evidence as preliminary because it lacks a rigorous trial.",
        "evidence_strength": "promising",
        "link": "https://speechandlanguage.org.uk",
    },
    {
        "name": "Language Link",
        "area": "language",
        "key_stages": ["EYFS", "KS1", "KS2"],
        "need_areas": ["CI"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 3,
        "group_size_max": 6,
        "sessions_per_week": 2,
        "minutes_per_session": 30,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "Annual subscription per school, covering the online screening and the intervention packages.",
        "summary": "An online screening of how well children understand spoken language, commonly used on entry to "
        "school, which profiles each child and suggests small-group or individual support packages for those with "
        "difficulties.",
        "evidence_summary": "Widely used for identification; evidence that the support packages raise language "
        "skills is limited to provider data and small studies.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Colourful Semantics",
        "area": "language",
        "key_stages": ["EYFS", "KS1", "KS2"],
        "need_areas": ["CI"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 1,
        "group_size_max": 4,
        "sessions_per_week": 3,
        "minutes_per_session": 20,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "Printable colour-coded picture cards; training is often provided by the local speech and "
        "language therapy service.",
        "summary": "Helps children build sentences by colour-coding their parts by question (who, what doing, what, "
        "where) and combining them step by step, so that pupils with limited grammar can say, and later write, "
        "longer and clearer sentences.",
        "evidence_summary": "Recommended by many speech and language therapists; research is limited to small studies.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Talking Partners@Primary",
        "area": "language",
        "key_stages": ["KS1", "KS2"],
        "need_areas": ["CI"],
        "wave": 2,
        "delivery": "small_group",
        "group_size_min": 3,
        "group_size_max": 3,
        "sessions_per_week": 3,
        "minutes_per_session": 20,
        "weeks": 10,
        "delivered_by": "ta",
        "cost_notes": "Training for the adults who deliver it and a resource pack.",
        "summary": "A ten-week oral language programme for groups of three children, often used with pupils "
        "learning English as an additional language, in which a trained adult models and extends talk through "
        "structured games and discussion.",
        "evidence_summary": "The provider's monitoring reports gains in spoken language; no independent randomised "
        "trial has been published.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Attention Autism",
        "area": "social",
        "key_stages": ["EYFS", "KS1", "KS2"],
        "need_areas": ["CI"],
        "wave": 3,
        "delivery": "small_group",
        "group_size_min": 2,
        "group_size_max": 8,
        "sessions_per_week": 5,
        "minutes_per_session": 15,
        "weeks": None,
        "delivered_by": "teacher",
        "cost_notes": "Staff training course; the resources are inexpensive, eye-catching toys and objects.",
        "summary": "Builds shared attention and communication for autistic children in stages, starting with an "
        "adult showing a bucket of irresistible objects and moving on to sustained attention, turn-taking and a "
        "shared activity. Sessions are short and daily.",
        "evidence_summary": "Widely used in special and early years settings; evidence is mainly practitioner "
        "reports and small studies.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "LEGO-based therapy (Brick-by-Brick)",
        "area": "social",
        "key_stages": ["KS2", "KS3"],
        "need_areas": ["CI", "SEMH"],
        "wave": 3,
        "delivery": "small_group",
        "group_size_min": 3,
        "group_size_max": 3,
        "sessions_per_week": 1,
        "minutes_per_session": 45,
        "weeks": 12,
        "delivered_by": "ta",
        "cost_notes": "Building sets and a short training course or manual for the facilitator.",
        "summary": "Groups of three children take the roles of engineer, supplier and builder to make a LEGO model "
        "together, with an adult facilitating, so that social communication, turn-taking and joint problem "
        "solving are practised through a shared interest.",
        "evidence_summary": "Early small studies were encouraging, but a large randomised trial in English "
        "mainstream schools found only a small, not statistically significant, gain in social skills after twelve "
        "weeks and none a year later.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Social Stories",
        "area": "social",
        "key_stages": ["EYFS", "KS1", "KS2", "KS3", "KS4"],
        "need_areas": ["CI"],
        "wave": 3,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 1,
        "sessions_per_week": 5,
        "minutes_per_session": 10,
        "weeks": None,
        "delivered_by": "teacher",
        "cost_notes": "Staff time to write each story; training is optional.",
        "summary": "Short stories written for one pupil that describe a particular situation, what usually happens "
        "and why, and how others may think or feel, following set writing guidelines. The pupil reads or hears "
        "the story before the situation arises.",
        "evidence_summary": "Many single-case studies with mixed results; reviews find that effects vary a lot from "
        "pupil to pupil.",
        "evidence_strength": "limited",
        "link": "https://carolgraysocialstories.com",
    },
    {
        "name": "Circle of Friends",
        "area": "social",
        "key_stages": ["KS1", "KS2", "KS3"],
        "need_areas": ["CI", "SEMH"],
        "wave": 3,
        "delivery": "small_group",
        "group_size_min": 6,
        "group_size_max": 8,
        "sessions_per_week": 1,
        "minutes_per_session": 30,
        "weeks": None,
        "delivered_by": "teacher",
        "cost_notes": "Staff time only.",
        "summary": "Six to eight volunteer classmates meet each week with an adult to support a pupil who is "
        "isolated or finding relationships hard, agreeing practical ways to include them and solving problems "
        "together.",
        "evidence_summary": "Small studies report better acceptance by peers; little controlled evidence of lasting "
        "change.",
        "evidence_strength": "limited",
        "link": "",
    },
    # --- Social, emotional and mental health ---------------------------------------------------------------
    {
        "name": "Emotional Literacy Support Assistants (ELSA)",
        "area": "semh",
        "key_stages": ["KS1", "KS2", "KS3", "KS4"],
        "need_areas": ["SEMH"],
        "wave": 2,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 4,
        "sessions_per_week": 1,
        "minutes_per_session": 45,
        "weeks": 10,
        "delivered_by": "ta",
        "cost_notes": "Training for the assistant from the local educational psychology service, then regular "
        "group supervision.",
        "summary": "Teaching assistants trained and supervised by educational psychologists run planned weekly "
        "sessions on emotional literacy (recognising feelings, self-esteem, friendships, anger, loss) for one "
        "pupil or a small group.",
        "evidence_summary": "Several small UK evaluations report improved wellbeing as rated by staff and pupils; "
        "there are no large randomised trials.",
        "evidence_strength": "promising",
        "link": "https://www.elsanetwork.org",
    },
    {
        "name": "Zones of Regulation",
        "area": "semh",
        "key_stages": ["EYFS", "KS1", "KS2", "KS3"],
        "need_areas": ["SEMH"],
        "wave": 1,
        "delivery": "whole_class",
        "group_size_min": 1,
        "group_size_max": 32,
        "sessions_per_week": 1,
        "minutes_per_session": 30,
        "weeks": None,
        "delivered_by": "teacher",
        "cost_notes": "A curriculum book and visual resources; optional training.",
        "summary": "Teaches pupils to notice and name how they feel and how alert they are by sorting states into "
        "four coloured zones, then to choose strategies that help them move between zones. Used with whole "
        "classes or schools and adapted for individual pupils.",
        "evidence_summary": "Very widely adopted, but published evidence is mostly small, uncontrolled studies.",
        "evidence_strength": "limited",
        "link": "https://zonesofregulation.com",
    },
    {
        "name": "Drawing and Talking",
        "area": "semh",
        "key_stages": ["KS1", "KS2", "KS3", "KS4"],
        "need_areas": ["SEMH"],
        "wave": 3,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 1,
        "sessions_per_week": 1,
        "minutes_per_session": 30,
        "weeks": 12,
        "delivered_by": "ta",
        "cost_notes": "A short training course for the practitioner; minimal materials.",
        "summary": "A gentle, non-directive approach for children who have had difficult experiences: a trained "
        "adult meets the child once a week for about twelve weeks while the child draws freely, asking a few "
        "open questions about the drawing.",
        "evidence_summary": "Evaluation is mainly practitioner surveys and small studies; no randomised trial.",
        "evidence_strength": "limited",
        "link": "",
    },
    {
        "name": "Nurture groups (Boxall Profile)",
        "area": "semh",
        "key_stages": ["EYFS", "KS1", "KS2", "KS3"],
        "need_areas": ["SEMH"],
        "wave": 3,
        "delivery": "small_group",
        "group_size_min": 6,
        "group_size_max": 12,
        "sessions_per_week": 4,
        "minutes_per_session": 120,
        "weeks": None,
        "delivered_by": "teacher",
        "cost_notes": "Two adults (usually a teacher and a teaching assistant) for part of each week, a suitable "
        "room and training; Boxall Profile assessments.",
        "summary": "A small class of about six to twelve pupils, run by two adults in a homely room for part of "
        "the week, offering the warm, predictable routines and early learning experiences some children missed. "
        "Progress is tracked with the Boxall Profile, and pupils stay in touch with and return to their own class.",
        "evidence_summary": "Several UK quasi-experimental studies report better social and emotional functioning, "
        "especially for well-established part-time groups running for at least two terms; randomised evidence is "
        "scarce.",
        "evidence_strength": "promising",
        "link": "https://www.nurtureuk.org",
    },
    {
        "name": "FRIENDS resilience programmes",
        "area": "semh",
        "key_stages": ["KS1", "KS2", "KS3"],
        "need_areas": ["SEMH"],
        "wave": 1,
        "delivery": "whole_class",
        "group_size_min": 1,
        "group_size_max": 32,
        "sessions_per_week": 1,
        "minutes_per_session": 60,
        "weeks": 10,
        "delivered_by": "teacher",
        "cost_notes": "Facilitator training and a workbook for each pupil.",
        "summary": "A series of about ten weekly lessons, based on cognitive behavioural therapy, that teach "
        "children to recognise worry, relax, challenge unhelpful thoughts and solve problems. There are versions "
        "for younger children, older primary pupils and teenagers.",
        "evidence_summary": "Many trials internationally. A large UK school trial found less anxiety when sessions "
        "were led by health facilitators, but not when led by school staff.",
        "evidence_strength": "moderate",
        "link": "",
    },
    {
        "name": "Thrive Approach",
        "area": "semh",
        "key_stages": ["EYFS", "KS1", "KS2", "KS3", "KS4"],
        "need_areas": ["SEMH"],
        "wave": 2,
        "delivery": "one_to_one",
        "group_size_min": 1,
        "group_size_max": 6,
        "sessions_per_week": 1,
        "minutes_per_session": 30,
        "weeks": None,
        "delivered_by": "ta",
        "cost_notes": "Practitioner training and an annual licence for the online assessment and planning tool.",
        "summary": "A trained practitioner assesses a pupil's social and emotional development online and plans "
        "activities to fill the gaps, drawing on child development and attachment theory. Used with individuals, "
        "groups and whole classes.",
        "evidence_summary": "Mostly provider data and case studies; independent controlled evaluation is limited.",
        "evidence_strength": "limited",
        "link": "https://www.thriveapproach.com",
    },
]

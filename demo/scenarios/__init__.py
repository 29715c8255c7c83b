"""The stories the demo tells, one module each, written in ``demo.build``'s vocabulary:

- ``reading``: a reading catch-up that works (and phonics, precision teaching; Toe by Toe too small to judge);
- ``maths``: a catch-up that works, a booster that fades, groups that did not help and one that harmed;
- ``boosters``: home-grown spelling and writing boosters that did not help, a revision group that faded;
- ``ratings``: language, wellbeing and motor support judged by the pupils' own ratings;
- ``hazel_grove`` and ``kingsmead``: each school's programmes and its groups term by term, with the loose ends
  (stopped, overdue, open-ended) the SENCO's warnings find;
- ``everyday_teaching``: wave 1 strategies for every year group;
- ``tutors_week``: the tutor login leads the primary's reading and phonics groups;
- ``support_plans``: SEN support plans with assess, plan, do, review, some overdue;
- ``progress_checks``: weekly checks with pupils on track, off track and ahead, and a change that worked;
- ``parents``: the parent login's children, with support to see and an invitation pending.
"""

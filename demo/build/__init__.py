"""The small vocabulary the demo's stories (``demo.scenarios``) are written in, for one school's provision
(``state.Provision``, read once by ``state.load``):

- ``designs``: a ``Recipe`` (a kind of group and how it is designed to turn out) and a ``Run`` (its groups in a term);
- ``staff.choose_programmes``, ``staff.staff_rates``, ``staff.lead``: what each recipe runs and who leads it;
- ``groups.groups`` / ``groups.group``: a run's groups, each with its dates, status, pupils (``choose``) and name;
- ``place.place``: a pupil's place in a group, with baseline, target, exit data and outcome;
- ``results``: baselines and exit data, and ``raise_results`` for a group designed to work (or to harm);
- ``everyday.everyday_teaching``: wave 1 strategies for whole year groups;
- ``save.save``: the groups in bulk, then ``staff.trainings``, ``sessions.sessions`` and the moved results;
- ``plans.plans``: SEN support plans with their reviews and outcome ratings.

Every draw comes from the school's own random stream, in a fixed order, so one seed gives the same provision.
"""

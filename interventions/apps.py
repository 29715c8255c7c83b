from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"

    def ready(self) -> None:
        # Files of progress check scores go through the shared import flow (pupils.imports): reading within the
        # import limits, rows read once and stored, previews, background tasks, the same pages and command base.
        from interventions.progress import checks_apply
        from pupils.imports import kinds

        kinds.register(checks_apply.CHECKS)

        # The groups a pupil is in now, with dosage so far, on their profile page.
        from interventions.profile import current_provision_panel
        from pupils import profile as pupil_profile

        pupil_profile.register_panel(current_provision_panel)

from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"

    def ready(self) -> None:
        # Files of progress check scores go through the shared import flow (pupils.imports): reading within the
        # import limits, rows read once and stored, previews, background tasks, the same pages and command base.
        from pupils.imports import kinds

        from .progress import checks_apply

        kinds.register(checks_apply.CHECKS)

        # The groups a pupil is in now, with dosage so far, on their profile page.
        from pupils import profile as pupil_profile

        from .profile import current_provision_panel

        pupil_profile.register_panel(current_provision_panel)

from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"

    def ready(self) -> None:
        # Files of progress check scores go through the shared import flow (pupils.import_jobs): reading within
        # the import limits, rows read once and stored, previews, background tasks.
        from pupils import import_jobs
        from pupils.models import ImportKind

        from .progress import services

        import_jobs.register_kind(ImportKind.CHECKS, parse=services.checks_parse, compare=services.checks_import)

        # The groups a pupil is in now, with dosage so far, on their profile page.
        from pupils import profile as pupil_profile

        from .profile import current_provision_panel

        pupil_profile.register_panel(current_provision_panel)

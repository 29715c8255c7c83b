from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "provision"
    verbose_name = "School frame"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import accounts

        user_logged_in.connect(accounts.session_started, dispatch_uid="provision_session_started")
        user_logged_out.connect(accounts.session_ended, dispatch_uid="provision_session_ended")

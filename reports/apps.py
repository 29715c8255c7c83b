from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        # The charts' shared matplotlib settings (Agg, and "$" drawn as text) hold for every chart module,
        # whichever is imported first.
        from reports import charts, invalidation  # noqa: F401

        invalidation.connect()

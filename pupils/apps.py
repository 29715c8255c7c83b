from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "pupils"

    def ready(self) -> None:
        # The imports this app declares go through the shared flow (pupils.imports): one reader, one set of pages.
        from .imports import declared, kinds

        kinds.register(declared.PUPILS)
        kinds.register(declared.RESULTS)

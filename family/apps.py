from django.apps import AppConfig


class FamilyConfig(AppConfig):
    """Parents' and carers' pages: their own children's support, in plain words. Owns no models: it reads
    pupils, interventions and reports (the rightmost app, so every import points left)."""

    name = "family"

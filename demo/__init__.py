"""The demo trust in one place: its schools and staff, pupils, assessment history, provision and progress
checks, and ``manage.py seed_demo`` that builds it. Nothing outside this package imports it."""

"""The benchmark, apart from the tests: ``python -m bench [--pupils N] [--json FILE] [--only NAME]``.

It builds the demo trust at the size asked for in a scratch database (PostgreSQL when ``DATABASE_URL``
names one, else a temporary SQLite file), times each registered measurement and drops the database again.
Measurements live in ``bench.measurements``; a later feature adds one function there with ``@measurement``.
"""

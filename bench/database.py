"""A throw-away database for one benchmark run, made before Django is set up and dropped afterwards.

No Django imports here: the scratch database's URL has to be in ``DATABASE_URL`` before the settings load.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}


@dataclass
class ScratchDatabase:
    """Where the benchmark's data goes. ``url`` is a ``DATABASE_URL`` for the settings."""

    url: str
    vendor: str
    name: str
    _admin: dict | None = None
    _directory: Path | None = None

    def drop(self) -> None:
        """Delete the database. Close Django's connections to it first."""
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
        if self._admin is not None:
            _postgres_drop(self._admin, self.name)


def scratch_database(database_url: str | None, suffix: str = "bench") -> ScratchDatabase:
    """A new empty database beside the one ``database_url`` names: ``<name>_<suffix>`` on the same PostgreSQL
    server (dropped first if a crashed run left it), or a SQLite file in a new temporary directory. (The fault
    tests use it too, with suffixes of their own.)"""
    if database_url and urlsplit(database_url).scheme in POSTGRES_SCHEMES:
        return _postgres_scratch(database_url, suffix)
    directory = Path(tempfile.mkdtemp(prefix="provision-bench-"))
    path = directory / "bench.sqlite3"
    return ScratchDatabase(url=f"sqlite:///{path}", vendor="sqlite", name=str(path), _directory=directory)


def _postgres_scratch(database_url: str, suffix: str = "bench") -> ScratchDatabase:
    parts = urlsplit(database_url)
    source = unquote(parts.path.lstrip("/")) or "postgres"
    name = f"{source}_{suffix}"
    admin = {
        "host": parts.hostname or None,
        "port": parts.port or None,
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        # Connect to the maintenance database: a database cannot be dropped by its own connection.
        "dbname": "postgres",
    }
    _postgres_drop(admin, name)
    with _postgres_admin(admin) as cursor:
        from psycopg2 import sql

        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    return ScratchDatabase(url=url, vendor="postgresql", name=name, _admin=admin)


@contextmanager
def _postgres_admin(admin: dict) -> Iterator:
    """An autocommit cursor on the maintenance database (CREATE/DROP DATABASE cannot run in a transaction)."""
    import psycopg2

    connection = psycopg2.connect(**{key: value for key, value in admin.items() if value is not None})
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def _postgres_drop(admin: dict, name: str) -> None:
    from psycopg2 import sql

    with _postgres_admin(admin) as cursor:
        cursor.execute("SHOW server_version_num")
        force = sql.SQL(" WITH (FORCE)") if int(cursor.fetchone()[0]) >= 130000 else sql.SQL("")
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)

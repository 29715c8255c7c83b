"""Helpers the tests of every import kind share: posting a file to an upload page, a held import's preview URL,
and running an import command to its output and error."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

FILES = Path(__file__).parent / "files"


def upload(client, name: str, content: bytes | None = None, *, url: str):
    """Post ``name`` (from tests/pupils/files unless ``content`` is given) to the upload page at ``url``."""
    content = (FILES / name).read_bytes() if content is None else content
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def held(world, name: str, *, kind: str):
    """A file held for the world's school, uploaded by its admin, not yet read."""
    from pupils.models import DataImport

    content = (FILES / name).read_bytes()
    return DataImport.objects.create(
        school=world.school, kind=kind, uploaded_by=world.users["admin"], filename=name, content=content
    )


def preview_url(record) -> str:
    return reverse("pupils:import_preview", args=[record.pk])


def run_command(command: str, *args: str) -> tuple[str, str, CommandError | None]:
    """What ``manage.py command args`` prints to stdout and stderr, and the CommandError it ended with (or None)."""
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None

"""The import at its limits (bench measurement ``import_limits``).

``probe_all(school)`` makes the largest results files the default limits accept for the 2,000-pupil secondary,
holds each as an upload, and has a fresh process (``python -m bench.import_probe ID``, this module's main) read
it, work out its preview and apply it, as the background worker would (``pupils.imports.jobs``); that process
reports its peak memory (``ru_maxrss``) and how long each step took. The files:

- CSV: 200,000 results, one a row, with ten columns (UPN, names, assessment, result and five notes): two million
  filled cells, under 20 MB: the most the row, cell and size limits let through.
- XLSX: the same rows as a workbook.

It also makes a workbook that unpacks to 1 GB (a zip bomb of about 1 MB) for the timed part: refusing it.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field

ROWS = 199_990  # x 10 columns, with the header: just under the 2,000,000 filled cells allowed
NOTES = 5


@dataclass
class Figures:
    lines: list[str] = field(default_factory=list)
    peak_mb: float = 0.0
    bomb_ms: float = 0.0
    bomb: bytes = b""


def zip_bomb(unpacked_mb: int = 1024) -> bytes:
    """A workbook-shaped zip whose one sheet unpacks to ``unpacked_mb`` MB of rows."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            written = 0
            while written < unpacked_mb * 1024 * 1024:
                sheet.write(row)
                written += len(row)
    return buffer.getvalue()


def refuse(content: bytes) -> None:
    """Read ``content`` as the importers do, which must refuse it."""
    from pupils.imports.jobs import limits
    from pupils.imports.reader import FileProblem, read_tables

    try:
        read_tables(content, lambda cells: 1, limits=limits())
    except FileProblem:
        return
    raise AssertionError("the zip bomb was not refused")


def _rows(school) -> tuple[list[str], list[list[object]]]:
    from pupils.models import Assessment, Pupil, Scale, ScaleKind, Subject

    pupils = list(
        Pupil.objects.filter(school=school)
        .on_roll()
        .order_by("pk")
        .values_list("upn", "legal_last_name", "legal_first_name")
    )
    count = -(-ROWS // len(pupils))
    subject = Subject.objects.get(school=school, name="Maths")
    scale = Scale.objects.get(school=school, kind=ScaleKind.STANDARDISED)
    names = [f"Limits probe quiz {index + 1:03d}" for index in range(count)]
    existing = set(Assessment.objects.filter(school=school, name__in=names).values_list("name", flat=True))
    Assessment.objects.bulk_create(
        Assessment(school=school, name=name, subject=subject, scale=scale, taken_on=dt_today())
        for name in names
        if name not in existing
    )
    header = ["UPN", "Surname", "Forename", "Assessment", "Result"] + [f"Note {n + 1}" for n in range(NOTES)]
    rows = []
    for index in range(ROWS):
        upn, surname, forename = pupils[index % len(pupils)]
        rows.append([upn, surname, forename, names[index // len(pupils)], 85 + (index * 7919) % 45]
                    + [f"n{(index + n) % 97}" for n in range(NOTES)])  # fmt: skip
    return header, rows


def dt_today():
    from django.utils import timezone

    return timezone.localdate()


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    lines = [",".join(header)] + [
        ",".join(f'"{v}"' if isinstance(v, str) and " " in v else str(v) for v in row) for row in rows
    ]
    return ("\n".join(lines) + "\n").encode()


def _xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Results")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _probe(record_id: int) -> dict:
    """Run this module in a fresh process on the held import ``record_id``; its report."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_probe", str(record_id)],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the import probe failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def probe_all(school) -> Figures:
    from django.conf import settings
    from django.db import connection

    from pupils.models import DataImport, ImportKind

    figures = Figures()
    header, rows = _rows(school)
    for label, content, name in (
        ("CSV", _csv(header, rows), "limits.csv"),
        ("XLSX", _xlsx(header, rows), "limits.xlsx"),
    ):
        if len(content) > settings.IMPORT_MAX_BYTES:
            raise AssertionError(f"the {label} probe is {len(content):,} bytes, over IMPORT_MAX_BYTES")
        record = DataImport.objects.create(school=school, kind=ImportKind.RESULTS, filename=name, content=content)
        connection.close()  # the probe process gets the rows committed (the bench runs in autocommit)
        report = _probe(record.pk)
        figures.peak_mb = max(figures.peak_mb, report["peak_mb"])
        figures.lines.append(
            f"{label} {len(content) / 1e6:.1f} MB, {ROWS:,} rows x {len(header)} columns: read and previewed in "
            f"{report['prepare_s']:.1f} s, applied in {report['apply_s']:.1f} s ({report['summary']}), "
            f"peak memory {report['peak_mb']:.0f} MB"
        )
    figures.bomb = zip_bomb()
    started = time.perf_counter()
    refuse(figures.bomb)
    figures.bomb_ms = round(1000 * (time.perf_counter() - started), 1)
    figures.lines.append(
        f"a {len(figures.bomb) / 1e6:.1f} MB workbook unpacking to 1 GB refused in {figures.bomb_ms:.0f} ms"
    )
    return figures


def main(record_id: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provision.settings")
    django.setup()
    from pupils.imports.jobs import import_apply, import_prepare
    from pupils.models import DataImport

    started = time.perf_counter()
    import_prepare(record_id)
    prepared = time.perf_counter() - started
    record = DataImport.objects.get(pk=record_id)
    if record.stage != "ready":
        raise SystemExit(f"not ready: {record.stage} {record.failure}")
    started = time.perf_counter()
    result = import_apply(record_id, None)
    applied = time.perf_counter() - started
    if result is None or result.file_errors:
        raise SystemExit(f"not applied: {getattr(result, 'file_errors', None)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(json.dumps({"prepare_s": prepared, "apply_s": applied, "peak_mb": peak, "summary": result.summary()}))


if __name__ == "__main__":
    main(int(sys.argv[1]))

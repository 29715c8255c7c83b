"""What one kind of import is, declared once: how its file is read, how its rows are applied, and how its pages
and command speak of it. The shared flow (``jobs``), pages (``views``) and command base (``command``) read these
declarations; none of them names a kind.

A kind is registered from its app's ``AppConfig.ready``: pupils and results by this app (``declared``), progress
check scores by the interventions app, which sits to the right of this one (so this app never imports it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .reader import RowError


@dataclass(frozen=True)
class ImportSpec:
    """One kind of import.

    ``parse(*, school, content, filename, limits=..., progress=...)`` reads a file and returns what was read (its
    ``rows``, ``errors``, ``file_errors``, ``columns``, ``ignored_columns``, ``header_line``, ``sheet``,
    ``row_count``); it queries the school's data but writes nothing. ``apply(*, school, parsed, dry_run, by=None)``
    compares that with the school's data and, unless ``dry_run``, writes it; it returns a result with the four
    counts (``created_count``...), ``errors``, ``file_errors`` (a non-empty list leaves a held import unapplied)
    and ``summary()``.
    """

    kind: str  # DataImport.kind
    parse: Callable[..., Any]
    apply: Callable[..., Any]
    labels: Mapping[str, str]  # column name -> what the preview calls it
    noun: str  # what the counts count: "rows", "results", "scores"
    upload_url: str  # URL names of the upload page and of the preview page (which takes the import's pk)
    preview_url: str
    upload_template: str
    preview_template: str
    file_label: str  # the upload form's label for the file field
    upload_context: Callable[[Any], dict] = field(default=lambda request: {})  # extras for its upload page
    all_or_nothing: bool = False  # a file with any rejected row writes nothing (confirm is refused)
    # Confirm passes ``apply`` the stored preview's result as ``previewed=``, and ``apply`` refuses the rows whose
    # data changed since (counted in ``changed_since_preview``): what another user saved meanwhile is never
    # silently overwritten.
    rechecks_preview: bool = False


@dataclass
class ImportOutcome:
    """What applying a file did (or, on a dry run, would do): what every kind reports. A kind's result extends it
    with its counts (``created_count``, ``updated_count``, ``unchanged_count``, ``rejected_count``) and its changes."""

    filename: str
    dry_run: bool
    file_errors: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # column name -> header as written
    ignored_columns: list[str] = field(default_factory=list)
    header_line: int | None = None
    sheet: str | None = None
    row_count: int = 0  # non-blank rows below the header
    changed_since_preview: int = 0  # rows refused at confirm: their data changed after the preview (rejected too)

    @classmethod
    def of(cls, parsed: Any, *, dry_run: bool, **more: Any):
        """An outcome that starts from what was read: its problems, its columns and where its header was."""
        return cls(
            filename=parsed.filename,
            dry_run=dry_run,
            file_errors=list(parsed.file_errors),
            errors=list(parsed.errors),
            columns=dict(parsed.columns),
            ignored_columns=list(parsed.ignored_columns),
            header_line=parsed.header_line,
            sheet=parsed.sheet,
            row_count=parsed.row_count,
            **more,
        )

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})

    @property
    def ok(self) -> bool:
        """True when the file was read and nothing in it was rejected."""
        return not self.file_errors and not self.errors

    def summary(self) -> str:
        return (
            f"created {self.created_count}, updated {self.updated_count}, "
            f"unchanged {self.unchanged_count}, rejected {self.rejected_count}"
        )


KINDS: dict[str, ImportSpec] = {}


def register(kind: ImportSpec) -> None:
    """Called from the declaring app's ``AppConfig.ready``."""
    KINDS[kind.kind] = kind


def kind_of(name: str) -> ImportSpec:
    return KINDS[name]

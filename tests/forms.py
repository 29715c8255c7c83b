"""What a browser posts for a form: helpers for tests that submit forms by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def blank(fields: Iterable[str]) -> dict[str, str]:
    """Each of ``fields`` left empty, as a browser posts an empty input."""
    return dict.fromkeys(fields, "")


def formset_data(prefix: str, rows: list[Mapping[str, str]], *, initial: int = 0, max_num: int = 1000) -> dict:
    """A formset's management form and its ``rows`` (``<prefix>-<n>-<field>``), as the page posts them."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(max_num),
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{name}": value for name, value in row.items()})
    return data

"""Pages for parents and carers: only ever their own children."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import children_of


@login_required
def family_home(request: HttpRequest) -> HttpResponse:
    children = children_of(request.user)
    if not children:
        raise PermissionDenied("This page is for parents and carers.")
    return render(request, "pupils/family_home.html", {"children": children})

"""Upload an MIS export, preview it, confirm it. (Being written.)"""

from django.http import HttpResponse

from provision.access import IMPORTERS, role_required


@role_required(*IMPORTERS)
def import_upload(request):
    return HttpResponse("todo")


@role_required(*IMPORTERS)
def import_preview(request, pk):
    return HttpResponse("todo")

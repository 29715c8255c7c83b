from django.urls import path

from . import assessment_views, invitation_views, passport_views, views
from .imports import views as import_views
from .models import ImportKind

app_name = "pupils"

urlpatterns = [
    path("", views.pupil_list, name="list"),
    path("new/", views.pupil_new, name="new"),
    path("<int:pk>/", views.pupil_detail, name="detail"),
    path("<int:pk>/edit/", views.pupil_edit, name="edit"),
    path("<int:pk>/history/", views.pupil_history, name="history"),
    path("<int:pk>/passport/", passport_views.passport_detail, name="passport"),
    path("<int:pk>/passport/edit/", passport_views.passport_edit, name="passport_edit"),
    path("<int:pk>/delete/", views.pupil_delete_view, name="delete"),
    path("<int:pk>/guardians/<int:guardian_pk>/invite/", invitation_views.invitation_new, name="invitation_new"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        invitation_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("sen-register/", views.sen_register, name="sen_register"),
    path("sen-register.csv", views.sen_register_csv, name="sen_register_csv"),
    path("results/", assessment_views.results_grid, name="results_grid"),
    path("results/import/", import_views.upload, {"kind": ImportKind.RESULTS}, name="results_import_upload"),
    path("assessments/", assessment_views.assessment_list, name="assessments"),
    path("assessments/new/", assessment_views.assessment_new, name="assessment_new"),
    path("assessments/<int:pk>/edit/", assessment_views.assessment_edit, name="assessment_edit"),
    path("scales/new/", assessment_views.scale_new, name="scale_new"),
    path("scales/<int:pk>/edit/", assessment_views.scale_edit, name="scale_edit"),
    path("import/", import_views.upload, {"kind": ImportKind.PUPILS}, name="import_upload"),
    path("import/<int:pk>/", import_views.preview, name="import_preview"),
]

"""Project URLs: only includes of each app's namespaced URLs."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("reports.urls")),
    path("", include("provision.frame_urls")),
    path("accounts/", include("provision.account_urls")),
    path("pupils/", include("pupils.urls")),
    path("family/", include("family.urls")),
    path("interventions/", include("interventions.urls")),
    path("admin/", admin.site.urls),
]

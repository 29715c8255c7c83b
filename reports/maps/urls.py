"""URLs of the reports app: the provision map, a pupil's provision and the map's downloads.
Joined into the app's namespace by reports/urls.py."""

from django.urls import path

from . import downloads, views

urlpatterns = [
    path("map/", views.provision_map, name="map"),
    path("map/copy-forward/", views.map_copy_forward, name="map_copy_forward"),
    path("pupils/<int:pk>/provision/", views.pupil_map, name="pupil_map"),
    path("maps/export.xlsx", downloads.map_xlsx, name="map_xlsx"),
    path("maps/export.csv", downloads.map_csv, name="map_csv"),
    path("maps/export.pdf", downloads.map_pdf, name="map_pdf"),
]

"""The interventions app's URLs, one module per area so that each keeps its own routes."""

from . import urls_catalogue, urls_groups, urls_plans, urls_sessions
from .progress import urls as urls_progress

app_name = "interventions"

urlpatterns = urls_catalogue.urlpatterns + urls_groups.urlpatterns + urls_sessions.urlpatterns + urls_plans.urlpatterns
urlpatterns += urls_progress.urlpatterns

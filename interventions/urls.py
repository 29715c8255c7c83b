"""The interventions app's URLs, one module per area so that each keeps its own routes."""

from interventions.catalogue import urls as urls_catalogue
from interventions.groups import urls as urls_groups
from interventions.plans import urls as urls_plans
from interventions.progress import urls as urls_progress
from interventions.sessions import urls as urls_sessions

app_name = "interventions"

urlpatterns = urls_catalogue.urlpatterns + urls_groups.urlpatterns + urls_sessions.urlpatterns + urls_plans.urlpatterns
urlpatterns += urls_progress.urlpatterns

"""URLs of the interventions app: SEN support plans. Joined into the app's namespace by interventions/urls.py."""

from django.urls import path

from interventions.plans import views as views_plans

urlpatterns = [
    path("plans/", views_plans.plan_list, name="plans"),
    path("plans/new/<int:pupil_pk>/", views_plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views_plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/reviews/new/", views_plans.review_new, name="review_new"),
    path("plans/<int:pk>/close/", views_plans.plan_close, name="plan_close"),
]

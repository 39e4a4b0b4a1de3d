from django.urls import path

from passaparola.insights import views

app_name = "insights"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/leadership/", views.leadership, name="leadership"),
    path("dashboard/at-risk/", views.at_risk, name="at_risk"),
    path("impact/", views.impact, name="my_impact"),
    path("people/<int:person_id>/impact/", views.impact, name="impact"),
]

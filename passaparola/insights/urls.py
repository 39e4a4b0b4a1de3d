from django.urls import path

from passaparola.insights import views

app_name = "insights"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/report/", views.report, name="report"),
    path("dashboard/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("dashboard/<slug:table>.csv", views.dashboard_export, name="dashboard_export"),
    path(
        "dashboard/section/<slug:section>/",
        views.dashboard_section_view,
        name="dashboard_section",
    ),
    path("dashboard/adoption/", views.adoption_view, name="adoption"),
    path("dashboard/adoption/<slug:table>.csv", views.adoption_export, name="adoption_export"),
    path("dashboard/leadership/", views.leadership, name="leadership"),
    path("dashboard/at-risk/", views.at_risk, name="at_risk"),
    path("impact/", views.impact, name="my_impact"),
    path("people/<int:person_id>/impact/", views.impact, name="impact"),
]

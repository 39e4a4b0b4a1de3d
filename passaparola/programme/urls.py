from django.urls import path

from passaparola.programme import views

app_name = "programme"
urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
    path("settings/rates/", views.rates_view, name="rates"),
    path("settings/insights/", views.insight_settings_save, name="insight_settings"),
    path("goals/", views.goals_view, name="goals"),
    path("brand.css", views.brand_css, name="brand_css"),
]

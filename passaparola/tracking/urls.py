from django.urls import path

from passaparola.tracking import views

app_name = "tracking"
urlpatterns = [
    path("s/<str:code>", views.redirect_view, name="redirect"),
    path("tracking/postback", views.lead_postback, name="postback"),
    path("tracking/lead", views.lead_snippet, name="lead"),
    path("tracking/settings/", views.settings_view, name="settings"),
    path("tracking/settings/tokens/", views.token_create_view, name="token_create"),
    path("tracking/settings/tokens/<int:pk>/revoke", views.token_revoke_view, name="token_revoke"),
]

"""The short-link domain serves the redirect and a tiny page for anything else, nothing more."""

from django.urls import path

from passaparola.tracking import views

urlpatterns = [
    path("s/<str:code>", views.short_redirect_view, name="short_redirect"),
]
handler404 = "passaparola.tracking.views.short_not_found"

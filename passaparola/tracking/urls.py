from django.urls import path

from passaparola.tracking import views

app_name = "tracking"
urlpatterns = [path("s/<str:code>", views.redirect, name="redirect")]

from django.urls import path

from passaparola.recognition import views

app_name = "recognition"
urlpatterns = [path("leaderboard/", views.leaderboard_view, name="leaderboard")]

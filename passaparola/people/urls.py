from django.urls import path

from passaparola.people import views

app_name = "people"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.code_request, name="code_request"),
    path("login/code/check/", views.code_login, name="code_login"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.language, name="language"),
]

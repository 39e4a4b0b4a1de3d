from django.urls import path

from passaparola.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.code_request, name="code_request"),
    path("login/code/check/", views.code_login, name="code_login"),
    path("login/sso/", views.sso_start, name="sso_start"),
    path("login/sso/callback/", views.sso_callback, name="sso_callback"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.language, name="language"),
    path("account/", views.account, name="account"),
    path("account/pause/", views.account_pause, name="account_pause"),
    path("account/leave/", views.account_leave, name="account_leave"),
    path("account/export/", views.account_export, name="account_export"),
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/interests/", views.welcome_interests, name="welcome_interests"),
    path("welcome/networks/", views.welcome_networks, name="welcome_networks"),
    path("welcome/notifications/", views.welcome_notifications, name="welcome_notifications"),
    path("welcome/share/", views.welcome_share, name="welcome_share"),
    path("people/", views.directory_view, name="directory"),
    path("people/<int:person_id>/", views.person_view, name="person"),
    path("people/<int:person_id>/role/", views.person_role, name="person_role"),
    path(
        "people/<int:person_id>/leadership/",
        views.person_leadership,
        name="person_leadership",
    ),
    path("people/<int:person_id>/export/", views.person_export_view, name="person_export"),
    path("people/<int:person_id>/erase/", views.person_erase_view, name="person_erase"),
]

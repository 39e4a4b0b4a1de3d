from django.urls import path

from passaparola.invitations import views

app_name = "invitations"
urlpatterns = [
    path("invitations/", views.overview, name="overview"),
    path("invitations/new/", views.invite_new, name="invite"),
    path("invitations/settings/", views.settings_view, name="settings"),
    path("invitations/settings/link/", views.link_rotate, name="link_rotate"),
    path("invitations/waves/", views.wave_new, name="wave_new"),
    path("invitations/waves/<int:wave_id>/send/", views.wave_send_view, name="wave_send"),
    path("invitations/waves/none/send/", views.wave_send_view, name="wave_send_none"),
    path("invitations/<int:invitation_id>/resend/", views.resend, name="resend"),
    path("invitations/<int:invitation_id>/revoke/", views.revoke, name="revoke"),
    path("invitations/<int:invitation_id>/bounced/", views.bounced, name="bounced"),
    path("invitations/import/", views.import_upload, name="import_upload"),
    path("invitations/import/template.csv", views.import_template, name="import_template"),
    path("invitations/import/<int:job_id>/", views.import_detail, name="import"),
    path(
        "invitations/import/<int:job_id>/progress/", views.import_progress, name="import_progress"
    ),
    path("invitations/import/<int:job_id>/start/", views.import_start_view, name="import_start"),
    path("invitations/accept/<str:token>/", views.accept, name="accept"),
    path("invitations/o/<str:token>.gif", views.pixel, name="pixel"),
    path("join/confirm/", views.signup_code, name="signup_code"),
    path("join/confirm/<str:token>/", views.signup_link, name="signup_link"),
    path("join/<str:key>/", views.join, name="join"),
]

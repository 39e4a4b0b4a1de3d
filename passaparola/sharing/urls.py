from django.urls import path

from passaparola.sharing import views

app_name = "sharing"
urlpatterns = [
    path("share/<int:post_id>/check/", views.check, name="check"),
    path("share/<int:post_id>/panel/", views.panel, name="panel"),
    path("share/<int:post_id>/schedule/", views.schedule_new, name="schedule"),
    path("share/<int:post_id>/<str:network>/", views.share, name="share"),
    path("sharing/mastodon/", views.mastodon_instance, name="mastodon_instance"),
    path("sharing/scheduled/", views.scheduled, name="scheduled"),
    path("sharing/scheduled/<int:scheduled_id>/", views.scheduled_edit, name="scheduled_edit"),
    path(
        "sharing/scheduled/<int:scheduled_id>/cancel/",
        views.scheduled_cancel,
        name="scheduled_cancel",
    ),
    path("sharing/accounts/", views.accounts, name="accounts"),
    path("sharing/accounts/audience/", views.audience, name="audience"),
    path(
        "sharing/accounts/<str:network>/connect/",
        views.account_connect_view,
        name="account_connect",
    ),
    path(
        "sharing/accounts/<str:network>/callback/", views.account_callback, name="account_callback"
    ),
    path(
        "sharing/accounts/<int:account_id>/disconnect/",
        views.account_disconnect_view,
        name="account_disconnect",
    ),
    path("sharing/policy/", views.policy, name="policy"),
    path("sharing/policy/terms/<int:term_id>/delete/", views.term_delete, name="term_delete"),
]

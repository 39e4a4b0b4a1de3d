from django.urls import path

from passaparola.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.centre, name="centre"),
    path("notifications/read/", views.mark_all_read, name="mark_all_read"),
    path("notifications/<int:notification_id>/", views.open_notification, name="open"),
    path("notifications/settings/", views.settings_view, name="settings"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifications/webhooks/", views.webhooks, name="webhooks"),
    path(
        "notifications/webhooks/<int:endpoint_id>/delete/",
        views.webhook_delete_view,
        name="webhook_delete",
    ),
]

from django.urls import path

from passaparola.content import views

app_name = "content"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("studio/", views.studio, name="studio"),
    path("studio/new/", views.post_new, name="post_new"),
    path("studio/<int:post_id>/", views.post_edit, name="post_edit"),
    path("studio/<int:post_id>/archive/", views.post_archive_view, name="post_archive"),
]

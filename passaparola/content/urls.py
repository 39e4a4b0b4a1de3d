from django.urls import path

from passaparola.content import views

app_name = "content"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/viewed/", views.post_viewed, name="post_viewed"),
    path("posts/<int:post_id>/react/", views.post_react, name="post_react"),
    path("posts/<int:post_id>/comments/", views.post_comment, name="post_comment"),
    path("comments/<int:comment_id>/remove/", views.comment_remove, name="comment_remove"),
    path("interests/", views.interests, name="interests"),
    path("suggest/", views.suggest, name="suggest"),
    path("studio/", views.studio, name="studio"),
    path("studio/new/", views.post_new, name="post_new"),
    path("studio/<int:post_id>/", views.post_edit, name="post_edit"),
    path("studio/<int:post_id>/archive/", views.post_archive_view, name="post_archive"),
    path("studio/<int:post_id>/submit/", views.post_submit_view, name="post_submit"),
    path("studio/<int:post_id>/approve/", views.post_approve_view, name="post_approve"),
    path("studio/<int:post_id>/return/", views.post_return_view, name="post_return"),
    path("studio/review/", views.review, name="review"),
    path("studio/suggestions/", views.suggestions, name="suggestions"),
    path(
        "studio/suggestions/<int:suggestion_id>/accept/",
        views.suggestion_accept_view,
        name="suggestion_accept",
    ),
    path(
        "studio/suggestions/<int:suggestion_id>/decline/",
        views.suggestion_decline_view,
        name="suggestion_decline",
    ),
    path("studio/calendar/", views.calendar, name="calendar"),
    path("studio/topics/", views.topics, name="topics"),
    path("studio/topics/<int:topic_id>/delete/", views.topic_remove, name="topic_delete"),
    path("studio/sources/", views.sources, name="sources"),
    path("studio/sources/new/", views.source_new, name="source_new"),
    path("studio/sources/<int:source_id>/", views.source_edit, name="source_edit"),
    path("studio/sources/<int:source_id>/poll/", views.source_poll_view, name="source_poll"),
    path("studio/approval/", views.approval, name="approval"),
    path("studio/approval/<int:step_id>/remove/", views.approval_remove, name="approval_remove"),
]

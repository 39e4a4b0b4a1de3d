from django.contrib import admin

from passaparola.content.models import (
    ApprovalStep,
    Caption,
    Comment,
    Post,
    PostRevision,
    Source,
    SourceEntry,
    Suggestion,
    Topic,
)


class CaptionInline(admin.TabularInline):
    model = Caption
    extra = 0


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "content_type", "state", "published_at", "source"]
    list_filter = ["state", "content_type", "is_pinned"]
    search_fields = ["title", "url"]
    raw_id_fields = ["created_by", "suggested_by", "source"]
    inlines = [CaptionInline]


@admin.register(PostRevision)
class PostRevisionAdmin(admin.ModelAdmin):
    list_display = ["post", "action", "person", "created_at"]
    raw_id_fields = ["post", "person"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "is_active", "auto_publish", "failure_count", "last_polled_at"]
    list_filter = ["is_active", "auto_publish"]


@admin.register(SourceEntry)
class SourceEntryAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "outcome", "created_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["post"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["person", "url", "state", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["person", "decided_by", "post"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["person", "post", "created_at"]
    raw_id_fields = ["person", "post"]


admin.site.register(ApprovalStep)

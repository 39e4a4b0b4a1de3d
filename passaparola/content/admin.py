from django.contrib import admin

from passaparola.content.models import Caption, Post


class CaptionInline(admin.TabularInline):
    model = Caption
    extra = 0


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "content_type", "state", "published_at"]
    list_filter = ["state", "content_type"]
    search_fields = ["title", "url"]
    inlines = [CaptionInline]

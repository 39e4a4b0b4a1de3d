from django.contrib import admin
from django.http import HttpRequest

from passaparola.governance.models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "published_at"]
    readonly_fields = ["number", "title", "text", "changes", "published_by", "published_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

from django.contrib import admin
from django.http import HttpRequest

from passaparola.recognition.models import (
    Badge,
    BadgeAward,
    Challenge,
    Kudos,
    PointsEntry,
    Reward,
    RewardClaim,
)


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """The ledger, read only: corrections are new lines (services.points_reverse)."""

    list_display = ["created_at", "person", "action", "points", "network", "key"]
    list_filter = ["action"]
    search_fields = ["key", "person__email"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.register(Badge)
admin.site.register(BadgeAward)
admin.site.register(Challenge)
admin.site.register(Reward)
admin.site.register(RewardClaim)
admin.site.register(Kudos)

from django.contrib import admin

from passaparola.invitations.models import ImportJob, Invitation, Wave


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "wave", "sent_at", "joined_at", "revoked_at"]
    list_filter = ["wave"]
    search_fields = ["email", "name"]
    exclude = ["nonce"]
    raw_id_fields = ["person", "invited_by", "import_job"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "filename", "status", "total_rows", "imported_rows"]
    exclude = ["content"]

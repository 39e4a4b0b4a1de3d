"""The audit log moves here from governance; its table (and trigger) stay as they are."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("governance", "0002_audit_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("action", models.CharField(db_index=True, max_length=60)),
                        ("target_type", models.CharField(blank=True, max_length=40)),
                        ("target_id", models.CharField(blank=True, max_length=40)),
                        ("changes", models.JSONField(blank=True, default=dict)),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="audit_entries", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "audit entry",
                        "verbose_name_plural": "audit log",
                        "db_table": "governance_auditentry",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["actor", "created_at"], name="governance__actor_i_9e5313_idx"),
                            models.Index(fields=["action", "created_at"], name="governance__action_09c877_idx"),
                            models.Index(fields=["target_type", "target_id"], name="governance__target__7c4c02_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

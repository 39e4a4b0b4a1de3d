# DigestLog comes from notifications (issue 10): take over its table, then give it this app's
# name. No row is copied.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0003_curation'),
        ('notifications', '0003_digests_and_expiry_notices_move_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DigestLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period', models.CharField(max_length=20)),
                        ('since', models.DateTimeField()),
                        ('until', models.DateTimeField()),
                        ('posts', models.PositiveIntegerField(default=0)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='digest_logs', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'notifications_digestlog',
                        'indexes': [models.Index(fields=['person', 'until'], name='notificatio_person__8b4bf8_idx')],
                        'constraints': [models.UniqueConstraint(fields=('person', 'period'), name='one_digest_per_period')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='digestlog', table=None),
        migrations.RenameIndex(
            model_name='digestlog',
            new_name='digest_person_until_idx',
            old_name='notificatio_person__8b4bf8_idx',
        ),
    ]

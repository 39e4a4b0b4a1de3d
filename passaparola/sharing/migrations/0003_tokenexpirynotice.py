# TokenExpiryNotice comes from notifications (issue 10): take over its table, then give it this
# app's name. No row is copied.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sharing', '0002_composer_guardrails_native'),
        ('notifications', '0003_digests_and_expiry_notices_move_out'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TokenExpiryNotice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token_expires_at', models.DateTimeField()),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='expiry_notices', to='sharing.connectedaccount')),
                    ],
                    options={
                        'db_table': 'notifications_tokenexpirynotice',
                        'constraints': [models.UniqueConstraint(fields=('account', 'token_expires_at'), name='one_notice_per_expiry')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='tokenexpirynotice', table=None),
    ]

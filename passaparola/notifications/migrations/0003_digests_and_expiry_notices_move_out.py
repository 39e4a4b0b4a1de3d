# DigestLog moves to content and TokenExpiryNotice to sharing (issue 10, "one-way house"):
# only Django's idea of the models leaves this app here; the tables stay and are renamed by
# content's 0004 and sharing's 0003 migrations, so no row is copied or lost.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_preferences_digests_webhooks'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='DigestLog'),
                migrations.DeleteModel(name='TokenExpiryNotice'),
            ],
            database_operations=[],
        ),
    ]

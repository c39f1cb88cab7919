from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_audit_and_index")]
    operations = [
        migrations.RunSQL("ALTER TABLE accounts DROP COLUMN note"),
    ]

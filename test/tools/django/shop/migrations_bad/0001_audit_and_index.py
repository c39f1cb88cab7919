from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.RunSQL("CREATE TABLE audit_log (id int)", "DROP TABLE audit_log"),
        migrations.RunSQL("CREATE INDEX accounts_note_idx ON accounts (note)",
                          "DROP INDEX accounts_note_idx"),
    ]

from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction block
    dependencies = []
    operations = [
        migrations.RunSQL("CREATE TABLE audit_log (id int)", "DROP TABLE audit_log"),
        migrations.RunSQL("CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note)",
                          "DROP INDEX CONCURRENTLY accounts_note_idx"),
    ]

# The embedded backend's tables live outside Django's models (an FTS5 virtual table
# among them), so this migration creates them on SQLite; 0002 does so on PostgreSQL.
from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from search.backends.embedded import create_schema

    with schema_editor.connection.cursor() as cursor:
        create_schema(cursor)


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

# The index on PostgreSQL (search/backends/tsvector.py). 0001 created it on SQLite
# only; SQLite already has it, so this runs on PostgreSQL alone.
from django.db import migrations

TABLES = ("search_fts", "search_facet", "search_document", "search_meta")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from search.backends.embedded import create_schema

    with schema_editor.connection.cursor() as cursor:
        create_schema(cursor)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("archive_search", "0001_index")]
    operations = [migrations.RunPython(create, drop)]

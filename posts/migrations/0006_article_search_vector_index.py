"""
The GIN index on Article.search_vector, on PostgreSQL only, built CONCURRENTLY
so that articles can be read and saved while it is built (hence atomic =
False). It is kept out of the migration state: SQLite has neither GIN indexes
nor the vector, and Django would otherwise try to recreate the index whenever it
remakes the table there. search_vector is ANALYZEd afterwards, so that the
planner knows how common each word is from the first search on.

fastupdate is off: a saved article's words go into the index at once rather
than into a pending list that every search would read through until the next
(auto)vacuum, and that makes the planner shun the index meanwhile. Saving an
article costs a few milliseconds more.

A later migration that drops or alters search_vector drops this index with the
column on PostgreSQL: it must create it again the same way.
"""

from django.db import migrations

INDEX = "posts_article_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # A concurrent build that failed (or was canceled) leaves an INVALID
        # index behind, which IF NOT EXISTS would keep: drop it first.
        cursor.execute(
            "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [INDEX]
        )
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        cursor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            "ON posts_article USING gin (search_vector) WITH (fastupdate = off)"
        )
        cursor.execute("ANALYZE posts_article (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("posts", "0005_article_search_vector"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]

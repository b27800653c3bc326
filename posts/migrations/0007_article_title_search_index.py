"""
A GIN index on the search document of the title alone, on PostgreSQL only,
built CONCURRENTLY (hence atomic = False) and kept out of the migration state
like the search vector's (0006). When a search matches more articles than are
ranked, the newest articles whose title has every word are ranked as well
(posts.search.title_matches): an older article about exactly what was asked
is not lost behind newer ones that only mention the words. The expression is
the one the query compiles to, SearchVector("title", config="english").
"""

from django.db import migrations

INDEX = "posts_article_title_search_gin"
EXPRESSION = "to_tsvector('english'::regconfig, COALESCE(title, ''))"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # A concurrent build that failed leaves an INVALID index: drop it first.
        cursor.execute(
            "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [INDEX]
        )
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        cursor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            f"ON posts_article USING gin (({EXPRESSION})) WITH (fastupdate = off)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("posts", "0006_article_search_vector_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]

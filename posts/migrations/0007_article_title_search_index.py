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

from schema.operations import CreateIndexOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("posts", "0006_article_search_vector_index"),
    ]

    operations = [
        CreateIndexOnPostgres(
            name="posts_article_title_search_gin",
            table="posts_article",
            definition=(
                "USING gin ((to_tsvector('english'::regconfig, COALESCE(title, ''))))"
                " WITH (fastupdate = off)"
            ),
        ),
    ]

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

from schema.operations import CreateIndexOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("posts", "0005_article_search_vector"),
    ]

    operations = [
        CreateIndexOnPostgres(
            name="posts_article_search_vector_gin",
            table="posts_article",
            definition="USING gin (search_vector) WITH (fastupdate = off)",
            analyze="search_vector",
        ),
    ]

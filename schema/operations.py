"""
Migration operations for large tables: on PostgreSQL, indexes are built and
dropped CONCURRENTLY, so a table of millions of rows keeps taking reads and
writes while the index is built; on other databases (SQLite) they are plain
CREATE/DROP INDEX.

A migration using them sets ``atomic = False``: PostgreSQL cannot build an
index concurrently inside a transaction.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddIndex, RemoveIndex
from django.db.migrations.operations.base import Operation


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """AddIndex, built CONCURRENTLY on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RemoveIndexConcurrentlyOnPostgres(RemoveIndexConcurrently):
    """RemoveIndex, dropped CONCURRENTLY on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class CreateIndexOnPostgres(Operation):
    """
    CREATE INDEX CONCURRENTLY of an index Django's model state cannot carry
    (a GIN index on an expression or on a column SQLite lacks), on PostgreSQL
    only; nothing on other databases. ``definition`` follows ``ON table``, e.g.
    ``"USING gin (search_vector) WITH (fastupdate = off)"``. An INVALID index
    left by a build that failed is dropped and built again; ``analyze`` names
    the columns to ANALYZE afterwards. The migration sets ``atomic = False``.
    """

    reversible = True
    reduces_to_sql = False

    def __init__(self, name: str, table: str, definition: str, analyze: str = ""):
        self.name, self.table, self.definition, self.analyze = name, table, definition, analyze

    def deconstruct(self):
        kwargs = {"name": self.name, "table": self.table, "definition": self.definition}
        if self.analyze:
            kwargs["analyze"] = self.analyze
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)",
                [self.name],
            )
            row = cursor.fetchone()
            if row and row[0]:
                cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {self.name}")
            cursor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {self.name} "
                f"ON {self.table} {self.definition}"
            )
            if self.analyze:
                cursor.execute(f"ANALYZE {self.table} ({self.analyze})")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {self.name}")

    def describe(self):
        return f"Create index {self.name} on {self.table} (PostgreSQL only, concurrently)"

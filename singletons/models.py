from functools import lru_cache

from django.db import connections, models, router


class SingleRowModel(models.Model):
    """
    Settings kept in one row (primary key 1), created with the field defaults
    the first time they are read.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def has_default_values(self) -> bool:
        """True when every field holds its default (a row just made by load())."""
        return all(
            getattr(self, field.attname) == field.get_default()
            for field in self._meta.concrete_fields
            if not field.primary_key
        )

    @classmethod
    def row_queryset(cls) -> models.QuerySet:
        """What load() reads the row from; a subclass may annotate it (one query still)."""
        return cls._default_manager.all()

    @classmethod
    def load(cls):
        """
        Return the one row (with row_queryset()'s annotations), creating it
        with the defaults if needed. Pages read their settings on every render,
        always with the same query: its SQL is compiled once per process (per
        database connection), and only the database's answer is read each
        time, through the ORM's own converters.
        """
        alias = router.db_for_read(cls)
        connection = connections[alias]
        compiler, sql, params = _compiled_row_query(cls, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            cls._default_manager.get_or_create(pk=1)
            return cls.load()
        values = next(compiler.results_iter(results=[rows]))
        fields = cls._meta.concrete_fields
        obj = cls.from_db(alias, [field.attname for field in fields], values[: len(fields)])
        for name, position in compiler.annotation_col_map.items():
            setattr(obj, name, values[position])
        return obj


@lru_cache(maxsize=64)
def _compiled_row_query(model, connection):
    """The compiler, SQL and parameters of ``model.row_queryset().filter(pk=1)``."""
    compiler = model.row_queryset().filter(pk=1).query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    return compiler, sql, params

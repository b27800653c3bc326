"""
Querysets compiled to SQL once per process and run with new values each time.

Building a queryset (``filter()`` resolving each lookup) and compiling it to
SQL costs more CPU than PostgreSQL takes to answer the small queries a page
makes. A PreparedQuery builds its queryset once per database connection with
stand-in values for its arguments, records where each stand-in lands among the
SQL parameters and, from then on, only puts the real values in those places,
runs the SQL and reads the rows through the ORM's own converters: model
instances, ``values_list()`` tuples or flat values, as the queryset would
give. ``PreparedQuery(build, counted_up_to=N, ...)`` gives instead the number
of its rows, reading at most N + 1 of them (posts.pagination.count_up_to's
query).

The build function must give the same SQL whatever its arguments' values (no
branching on them, no lists of varying length); each argument is declared
with its type (int, str or datetime) and must reach the SQL unchanged,
as a whole parameter. The query is built twice with different stand-ins to
check it, and anything else is refused when it is prepared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable
from django.db.models.sql.compiler import SQLCompiler

SUPPORTED_KINDS = (int, str, datetime)
SHAPES = {ModelIterable: "models", ValuesListIterable: "tuples", FlatValuesListIterable: "flat"}


def stand_in(kind: type, index: int, variant: int = 0) -> Any:
    """
    A value of ``kind`` for argument ``index``, different for each ``variant``.
    Integers stay within every integer field's range (the ORM leaves out a
    lookup whose value is out of its field's range).
    """
    if kind is int:
        return 30_001 + index + 1_000 * variant
    if kind is str:
        return f"\x1fprepared-query-argument-{index}-{variant}\x1f"
    if kind is datetime:
        return datetime(1901 + variant, 2, 3, 4, 5, 6, 789_000 + index, tzinfo=UTC)
    raise TypeError(f"A prepared query takes int, str or datetime arguments, not {kind}.")


def adapt(connection, kind: type, value: Any) -> Any:
    """``value`` as the database adapter receives it for a field of that kind."""
    if kind is datetime:
        return connection.ops.adapt_datetimefield_value(value)
    return value


def reads_utc_timestamps(connection) -> bool:
    """
    True for a PostgreSQL connection whose time zone is UTC (USE_TZ on, no
    database TIME_ZONE: this project's settings). Django reads each
    ``timestamptz`` there with a loader of its own, in Python, that only
    labels psycopg's answer UTC: about 5 microseconds a value, a millisecond
    for the 200 comments of a busy article, more than the rest of their rows.
    psycopg's own loader (in C with psycopg[binary]) gives the same aware
    datetimes in UTC on such a connection, and a prepared query's cursor
    reads with it.
    """
    return connection.vendor == "postgresql" and connection.timezone is UTC


@cache
def _c_timestamp_loader() -> type:
    from psycopg import adapters
    from psycopg.pq import Format

    return adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)


@dataclass(frozen=True, slots=True)
class Compiled:
    """One connection's SQL for a PreparedQuery, and where its arguments go."""

    compiler: SQLCompiler
    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (parameter position, argument name)
    shape: str  # "models", "tuples", "flat", "count" or "none" (no query needed)
    init_list: tuple[str, ...]
    model_fields: slice
    fast_timestamps: bool = False


class PreparedQuery:
    """
    ``PreparedQuery(build, name=type, ...)``: call it with the arguments by
    name to get the rows of ``build(**arguments)``, a list (with
    ``counted_up_to``, their number).
    """

    def __init__(
        self, build: Callable[..., QuerySet], *, counted_up_to: int | None = None, **arguments: type
    ):
        for kind in arguments.values():
            if kind not in SUPPORTED_KINDS:
                raise TypeError(f"Unsupported argument type {kind} for a prepared query.")
        self.build = build
        self.counted_up_to = counted_up_to
        self.arguments = arguments
        self._compiled: dict[Any, Compiled] = {}
        self._model = None

    def __repr__(self) -> str:
        return f"<PreparedQuery {getattr(self.build, '__qualname__', self.build)}>"

    def __call__(self, **values: Any) -> list | int:
        if values.keys() != self.arguments.keys():
            raise TypeError(f"{self!r} takes {sorted(self.arguments)}, not {sorted(values)}.")
        if self._model is None:
            self._model = self._queryset(self._stand_ins()).model
        alias = router.db_for_read(self._model)
        connection = connections[alias]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self.compile(connection)
        if compiled.shape == "none":
            return 0 if self.counted_up_to is not None else []
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = adapt(connection, self.arguments[name], values[name])
        with connection.cursor() as cursor:
            if compiled.fast_timestamps:
                cursor.cursor.adapters.register_loader("timestamptz", _c_timestamp_loader())
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.shape == "count":
            return rows[0][0]
        results = compiled.compiler.results_iter(results=[rows])
        if compiled.shape == "flat":
            return [row[0] for row in results]
        if compiled.shape == "tuples":
            return [tuple(row) for row in results]
        model = compiled.compiler.klass_info["model"]
        annotations = compiled.compiler.annotation_col_map.items()
        objects = []
        for row in results:
            obj = model.from_db(alias, compiled.init_list, row[compiled.model_fields])
            for name, position in annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def _stand_ins(self, variant: int = 0) -> dict[str, Any]:
        kinds = enumerate(self.arguments.items())
        return {name: stand_in(kind, index, variant) for index, (name, kind) in kinds}

    def _queryset(self, stand_ins: dict[str, Any]) -> QuerySet:
        queryset = self.build(**stand_ins)
        if self.counted_up_to is not None:
            queryset = queryset.order_by().values_list("pk")[: self.counted_up_to + 1]
        return queryset

    def _sql(self, query, connection) -> tuple[SQLCompiler, str | None, tuple]:
        compiler = query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # [:0], for example: no rows, no query.
            return compiler, None, ()
        if self.counted_up_to is not None:
            sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608 (the ORM's SQL)
        return compiler, sql, tuple(params)

    def compile(self, connection) -> Compiled:
        """
        Build and compile the queryset twice, with two sets of stand-ins: the
        SQL must be the same, and the parameters that differ must be the
        stand-ins themselves (where each argument goes). Anything else means
        the SQL depends on the values, and is refused.
        """
        stand_ins = self._stand_ins(0)
        queryset = self._queryset(stand_ins)
        query = queryset.query
        if queryset._prefetch_related_lookups or query.select_related:
            raise ValueError(f"{self!r}: prefetch_related() and select_related() are unsupported.")
        shape = SHAPES.get(queryset._iterable_class)
        if shape is None:
            raise ValueError(f"{self!r}: only model rows and values_list() are supported.")
        if shape != "models" and (query.extra_select or query.annotation_select):
            # values_list() with annotations may reorder its columns (ValuesListIterable).
            names = list(queryset._fields or ())
            selected = [*query.extra_select, *query.values_select, *query.annotation_select]
            if names and names != selected:
                raise ValueError(f"{self!r}: values_list() must name its columns in query order.")
        compiler, sql, params = self._sql(query, connection)
        other_stand_ins = self._stand_ins(1)
        _, other_sql, other_params = self._sql(self._queryset(other_stand_ins).query, connection)
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError(f"{self!r}: its SQL depends on the arguments' values.")
        if self.counted_up_to is not None:
            shape = "count"
        if sql is None:
            return Compiled(compiler, "", (), (), "none", (), slice(0, 0))
        expected = {
            name: (
                adapt(connection, kind, stand_ins[name]),
                adapt(connection, kind, other_stand_ins[name]),
            )
            for name, kind in self.arguments.items()
        }
        slots = []
        for position, pair in enumerate(zip(params, other_params, strict=True)):
            if pair[0] == pair[1]:
                continue  # a value of the query's own
            names = [name for name, values in expected.items() if values == pair]
            if not names:
                raise ValueError(f"{self!r}: an argument is changed on its way to the SQL.")
            slots.append((position, names[0]))
        missing = set(self.arguments) - {name for _, name in slots}
        if missing:
            raise ValueError(
                f"{self!r}: arguments {sorted(missing)} do not reach the SQL unchanged."
            )
        init_list: tuple[str, ...] = ()
        model_fields = slice(0, 0)
        if shape == "models":
            select_fields = compiler.klass_info["select_fields"]
            model_fields = slice(select_fields[0], select_fields[-1] + 1)
            init_list = tuple(column[0].target.attname for column in compiler.select[model_fields])
        return Compiled(
            compiler,
            sql,
            tuple(params),
            tuple(slots),
            shape,
            init_list,
            model_fields,
            fast_timestamps=reads_utc_timestamps(connection),
        )

"""
What an article shows beside its own row, for many articles in one query: its
authors and tags in their order (by name), and, for the article page, its
quotations with their outlets (by number).

Three ``prefetch_related()`` lookups cost three queries, and the ORM built and
compiled each of them on every cold render for longer than the database took
to answer. This is one ``UNION ALL`` of plain joins, its text made from the
models' tables and columns, its rows made into model instances with
``from_db()`` holding the columns read (any other field loads when first read,
as with ``only()``).
"""

from dataclasses import dataclass, field

from django.db import connections, router

from posts.models import Article, Author, Outlet, Quotation, Tag

AUTHOR, TAG, QUOTATION = 0, 1, 2
# The columns of every row: the article, the kind of part, the part's id, then
# what authors and tags show, then what a quotation shows.
COLUMNS = 12


@dataclass
class Parts:
    authors: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    quotations: list = field(default_factory=list)


def article_parts(article_ids, *, quotations: bool = False) -> dict[int, Parts]:
    """
    Each article's authors and tags (and quotations with their outlets, with
    ``quotations``), by article id, in one query; none for an empty list.
    """
    ids = [int(pk) for pk in article_ids]
    found = {pk: Parts() for pk in ids}
    if not ids:
        return found
    alias = router.db_for_read(Article)
    connection = connections[alias]
    sql, params = _parts_sql(connection, ids, quotations)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for row in rows:
        parts = found[row[0]]
        kind = row[1]
        if kind == AUTHOR:
            parts.authors.append(_instance(Author, alias, id=row[2], name=row[3], slug=row[4]))
        elif kind == TAG:
            parts.tags.append(_instance(Tag, alias, id=row[2], name=row[3], slug=row[4]))
        else:
            quotation = _instance(
                Quotation,
                alias,
                id=row[2],
                article_id=row[0],
                speaker=row[5],
                source_url=row[6],
                text=row[7],
                order=row[8],
                outlet_id=row[9],
            )
            quotation.outlet = _instance(Outlet, alias, id=row[9], name=row[10], slug=row[11])
            parts.quotations.append(quotation)
    return found


def _instance(model, alias: str, **values):
    """A ``model`` instance as the database gave it, holding ``values`` only (from_db)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(alias, names, [values[name] for name in names])


def _parts_sql(connection, ids: list[int], quotations: bool) -> tuple[str, list]:
    q = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(ids))
    nothing = ", ".join(["NULL"] * (COLUMNS - 5))
    branches = []
    # The quotations first: PostgreSQL types each column of a UNION from its
    # first branches, and NULL in two of them would make "order" text.
    if quotations:
        quotation, outlet = Quotation._meta, Outlet._meta
        column = {f.name: q(f.column) for f in quotation.concrete_fields}
        outlet_id = q(outlet.pk.column)
        branches.append(
            # Names from the models, quoted; every value is a parameter.
            f"SELECT t.{column['article']}, {QUOTATION}, t.{column['id']}, NULL, NULL,"  # noqa: S608
            f" t.{column['speaker']}, t.{column['source_url']}, t.{column['text']},"
            f" t.{column['order']}, o.{outlet_id}, o.{q('name')}, o.{q('slug')}"
            f" FROM {q(quotation.db_table)} t"
            f" INNER JOIN {q(outlet.db_table)} o ON o.{outlet_id} = t.{column['outlet']}"
            f" WHERE t.{column['article']} IN ({marks})"
        )
    for kind, relation in ((AUTHOR, Article.authors), (TAG, Article.tags)):
        m2m = relation.field
        target = m2m.related_model._meta
        target_id = q(target.pk.column)
        branches.append(
            f"SELECT r.{q(m2m.m2m_column_name())}, {kind}, p.{target_id},"  # noqa: S608
            f" p.{q('name')}, p.{q('slug')}, {nothing}"
            f" FROM {q(m2m.m2m_db_table())} r INNER JOIN {q(target.db_table)} p"
            f" ON p.{target_id} = r.{q(m2m.m2m_reverse_name())}"
            f" WHERE r.{q(m2m.m2m_column_name())} IN ({marks})"
        )
    # Authors and tags by name (their Meta.ordering), quotations by number, then id.
    sql = " UNION ALL ".join(branches) + " ORDER BY 2, 4, 9, 3"
    return sql, ids * len(branches)

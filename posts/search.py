"""
Full-text search of articles on PostgreSQL: the stored, weighted search
document (``Article.search_vector``, a generated column with a GIN index) and
the bounds on what a reader may search for.

Other databases (SQLite in development and tests) store NULL in the column and
search with ``icontains`` instead (``ArticleQuerySet.search``).
"""

import operator
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connections, transaction
from django.db.models import Expression

# The text search configuration: English stemming and stop words.
CONFIG = "english"
# A search looks at most at this many characters and words ("terms") of the
# reader's query; the rest is dropped, with a note on the page.
MAX_QUERY_CHARACTERS = 200
MAX_QUERY_TERMS = 10
# PostgreSQL ranks the newest RANKED_MATCHES articles having all the words (and
# the newest RANKED_MATCHES whose title has them all), best first. Ranking (and
# checking a quoted phrase) reads each one's stored vector, kilobytes out of
# line: doing so for every match of a common word (tens of thousands) would
# take seconds.
RANKED_MATCHES = 200
# A quoted phrase ("working class voters") with the minus sign negating it, if
# any, as websearch_to_tsquery() reads them.
PHRASE = re.compile(r'(-?)"([^"]*)"?')
# SQLSTATE query_canceled: statement_timeout (or an administrator) stopped the query.
QUERY_CANCELED = "57014"


class SearchDocument(Expression):
    """
    An article's weighted search document, for a GeneratedField: on PostgreSQL
    ``setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') ||
    ...`` for each (field, weight) pair, which is IMMUTABLE as a generated
    column requires; NULL on other databases, which have no full-text search.
    """

    output_field = SearchVectorField()

    def __init__(self, *weighted_fields: tuple[str, str], config: str = CONFIG):
        super().__init__()
        self.weighted_fields = weighted_fields
        self.config = config
        self.vector = reduce(
            operator.add,
            (
                SearchVector(field, weight=weight, config=config)
                for field, weight in weighted_fields
            ),
        )

    def get_source_expressions(self):
        return [self.vector]

    def set_source_expressions(self, exprs):
        (self.vector,) = exprs

    def as_sql(self, compiler, connection):
        return "NULL", []

    def as_postgresql(self, compiler, connection):
        return compiler.compile(self.vector)


@dataclass(frozen=True)
class BoundedQuery:
    """A reader's query cut to the bounds: ``text`` is what is searched for."""

    text: str
    characters_dropped: bool = False
    terms_dropped: int = 0


def bound_query(raw: str) -> BoundedQuery:
    """
    The reader's query without NUL characters (PostgreSQL text cannot hold
    them) and spaces run together, cut to MAX_QUERY_CHARACTERS (at a space when
    there is one) and to its first MAX_QUERY_TERMS words.
    """
    text = " ".join(raw.replace("\x00", "").split())
    characters_dropped = len(text) > MAX_QUERY_CHARACTERS
    if characters_dropped:
        cut = text[: MAX_QUERY_CHARACTERS + 1]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUERY_CHARACTERS]
    terms = text.split(" ") if text else []
    terms_dropped = max(0, len(terms) - MAX_QUERY_TERMS)
    if terms_dropped:
        text = " ".join(terms[:MAX_QUERY_TERMS])
    return BoundedQuery(text, characters_dropped, terms_dropped)


@contextmanager
def time_limit(using: str, milliseconds: int) -> Iterator[None]:
    """
    The block's queries run under PostgreSQL's statement_timeout (SET LOCAL, in
    a transaction, or a savepoint of the one already open); a query running
    longer raises OperationalError (see timed_out()). The limit ends with the
    block, and an exception inside rolls back only the block's own work.
    """
    connection = connections[using]
    enclosed = connection.in_atomic_block
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(milliseconds)}")
        yield
        if enclosed:
            # The enclosing transaction goes on: not with this limit. (Had the
            # block failed, rolling back its savepoint would have undone it.)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout TO DEFAULT")


def timed_out(error: Exception) -> bool:
    """True when ``error`` is a query PostgreSQL canceled (its statement_timeout)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == QUERY_CANCELED


def words_query(query: str) -> str:
    """
    ``query`` with its quoted phrases as plain words and its negated phrases
    left out: it matches every article ``query`` matches (and more), and the
    GIN index answers it without reading any article's vector.
    """
    return PHRASE.sub(lambda match: " " if match[1] else f" {match[2]} ", query)


def search_query(query: str) -> SearchQuery:
    """websearch_to_tsquery('english', query)."""
    return SearchQuery(query, search_type="websearch", config=CONFIG)


def has_phrase(query: str) -> bool:
    """True when ``query`` quotes a phrase: it is checked in each ranked article's vector."""
    return PHRASE.search(query) is not None


def newest_matches(articles, query: str) -> list[int]:
    """
    The ids of the RANKED_MATCHES + 1 newest of ``articles`` (a queryset)
    having all the words of ``query`` (one more, to tell whether more articles
    match), newest first. One query, on the GIN index or, for common words,
    walking the articles newest first.
    """
    words = search_query(words_query(query)) if has_phrase(query) else search_query(query)
    return list(
        articles.prefetch_related(None)
        .filter(search_vector=words)
        .order_by("-pub_date", "-id")
        .values_list("pk", flat=True)[: RANKED_MATCHES + 1]
    )


def title_document() -> SearchVector:
    """
    An article's title as a search document: the expression of the title's GIN
    index (posts migration 0007), which the query must repeat to use it.
    """
    return SearchVector("title", config=CONFIG)


def title_matches(articles, query: str) -> list[int]:
    """
    The ids of the RANKED_MATCHES newest of ``articles`` whose title has all
    the words of ``query``, newest first: an older article about exactly what
    was asked is ranked too, however many newer ones mention the words. One
    query, on the title's GIN index or walking the articles newest first.
    """
    words = search_query(words_query(query)) if has_phrase(query) else search_query(query)
    return list(
        articles.prefetch_related(None)
        .alias(title_document=title_document())
        .filter(title_document=words)
        .order_by("-pub_date", "-id")
        .values_list("pk", flat=True)[:RANKED_MATCHES]
    )

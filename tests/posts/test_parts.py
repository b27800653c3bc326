"""An article's authors, tags and quotations, for many articles in one query (posts.parts)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from posts.parts import article_parts
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    OutletFactory,
    QuotationFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def test_authors_and_tags_of_many_articles_come_in_one_query_in_name_order():
    zoe, ana = AuthorFactory(name="Zoe Writer"), AuthorFactory(name="Ana Writer")
    turnout, midterms = TagFactory(name="Turnout"), TagFactory(name="Midterms")
    first = ArticleFactory(authors=[zoe, ana], tags=[turnout, midterms])
    second = ArticleFactory(authors=[zoe], tags=[])
    bare = ArticleFactory(authors=[], tags=[])

    with CaptureQueriesContext(connection) as queries:
        found = article_parts([first.pk, second.pk, bare.pk])

    assert len(queries) == 1
    assert [a.name for a in found[first.pk].authors] == ["Ana Writer", "Zoe Writer"]
    assert [t.name for t in found[first.pk].tags] == ["Midterms", "Turnout"]
    assert [a.name for a in found[second.pk].authors] == ["Zoe Writer"]
    assert found[second.pk].tags == [] and found[bare.pk].authors == []
    assert found[first.pk].quotations == []


def test_quotations_come_in_number_order_with_their_outlets():
    article = ArticleFactory()
    politico = OutletFactory(name="Politico", slug="politico")
    QuotationFactory(article=article, order=2, outlet=politico, text="Second.")
    QuotationFactory(article=article, order=1, outlet=politico, text="First.", speaker="Ana")

    with CaptureQueriesContext(connection) as queries:
        quotations = article_parts([article.pk], quotations=True)[article.pk].quotations

    assert len(queries) == 1
    assert [(q.order, q.text) for q in quotations] == [(1, "First."), (2, "Second.")]
    assert quotations[0].speaker == "Ana"
    assert quotations[0].outlet.name == "Politico"
    assert quotations[0].outlet.get_absolute_url() == "/source/politico/"
    assert quotations[0].article_id == article.pk


def test_a_field_not_read_loads_when_first_used():
    author = AuthorFactory(name="Ed Kilgore", bio="Covers the states.")
    article = ArticleFactory(authors=[author])

    [loaded] = article_parts([article.pk])[article.pk].authors

    assert "bio" in loaded.get_deferred_fields()
    assert not {"id", "name", "slug"} & loaded.get_deferred_fields()
    assert loaded.bio == "Covers the states."
    assert loaded.pk == author.pk and loaded._state.adding is False


def test_no_articles_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert article_parts([]) == {}
    assert len(queries) == 0

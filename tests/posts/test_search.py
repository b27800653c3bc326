"""
Search: the bounds on the reader's query, the stored search vector and its GIN
index (PostgreSQL), ranking, the cap on ranked matches, and the statement
timeout that turns a search taking too long into a 503.
"""

from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from posts import search
from posts.models import Article
from posts.search import MAX_QUERY_CHARACTERS, MAX_QUERY_TERMS, bound_query, words_query
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the stored vector, its GIN index and the statement timeout are PostgreSQL's",
)


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def found(query: str) -> list[Article]:
    return list(Article.objects.published().search(query))


# The bounds on the query (every database)


class TestBoundQuery:
    def test_spaces_run_together_and_nul_characters_go(self):
        assert bound_query("  democratic\x00   majority \n").text == "democratic majority"

    def test_cut_at_a_space_to_the_character_limit(self):
        bounded = bound_query("turnout " * 40)
        assert len(bounded.text) <= MAX_QUERY_CHARACTERS
        assert bounded.text.split(" ") == ["turnout"] * MAX_QUERY_TERMS
        assert bounded.characters_dropped

    def test_one_long_word_is_cut_at_the_limit(self):
        bounded = bound_query("x" * 1_000)
        assert bounded.text == "x" * MAX_QUERY_CHARACTERS
        assert bounded.characters_dropped

    def test_words_past_the_tenth_are_dropped(self):
        words = [f"word{n}" for n in range(13)]
        bounded = bound_query(" ".join(words))
        assert bounded.text == " ".join(words[:MAX_QUERY_TERMS])
        assert bounded.terms_dropped == 3
        assert not bounded.characters_dropped

    def test_a_short_query_is_kept_whole(self):
        assert bound_query('"working class" -senate') == search.BoundedQuery(
            '"working class" -senate'
        )

    def test_phrases_become_words_and_negated_phrases_go(self):
        assert words_query('"working class" voters -"senate map"').split() == [
            "working",
            "class",
            "voters",
        ]


class TestSearchPage:
    def test_extra_words_are_dropped_with_a_note_and_the_box_keeps_the_query(self, client):
        ArticleFactory(title="Turnout in the suburbs")
        query = "turnout " + " ".join(f"w{n}" for n in range(11))
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        html = response.content.decode()
        kept = " ".join(query.split()[:MAX_QUERY_TERMS])
        assert f'value="{kept}"' in html
        assert (
            "Only the first 10 words of your search were looked for; 2 more words left out." in html
        )

    def test_a_long_query_is_cut_with_a_note(self, client):
        response = client.get("/search/", {"q": "y" * 1_000})
        assert response.status_code == 200
        html = response.content.decode()
        assert f'value="{"y" * MAX_QUERY_CHARACTERS}"' in html
        assert "Only the first 200 characters of your search were looked for." in html

    def test_no_note_for_a_query_within_the_bounds(self, client):
        response = client.get("/search/", {"q": "turnout"})
        assert "search-note" not in response.content.decode()

    def test_the_search_vector_is_never_read_into_python(self):
        ArticleFactory()
        assert "search_vector" in Article.objects.get().get_deferred_fields()


def test_search_finds_published_articles_by_every_word_on_any_database():
    both = ArticleFactory(title="Suburban turnout", body="Voters in the suburbs.")
    ArticleFactory(title="Suburban sprawl", body="Nothing on voting.")
    ArticleFactory(title="Suburban turnout draft", status=Article.Status.DRAFT)
    ArticleFactory(
        title="Suburban turnout later",
        status=Article.Status.PUBLISHED,
        pub_date=timezone.now() + timedelta(days=2),
    )
    assert found("suburban turnout") == [both]


# PostgreSQL: the stored vector, ranking, the cap, the timeout, the index


@postgresql_only
class TestStoredVector:
    def test_ranked_title_above_dek_above_body(self):
        now = timezone.now()
        # Newest first would be the reverse order.
        in_title = ArticleFactory(
            title="Turnout and coalitions",
            dek="A summary.",
            body="Plain text.",
            pub_date=now - timedelta(days=3),
        )
        in_dek = ArticleFactory(
            title="Another piece",
            dek="Why turnout matters.",
            body="Plain text.",
            pub_date=now - timedelta(days=2),
        )
        in_body = ArticleFactory(
            title="A third piece",
            dek="Something else.",
            body="A paragraph that mentions turnout once.",
            pub_date=now - timedelta(days=1),
        )
        assert found("turnout") == [in_title, in_dek, in_body]

    def test_kept_up_to_date_on_save(self):
        article = ArticleFactory(title="Coalitions", body="Plain text.")
        assert found("gerrymander") == []
        article.title = "The gerrymander"
        article.save()
        assert found("gerrymander") == [article]
        article.body = "Now about redistricting."
        article.save()
        assert found("redistricting") == [article]
        assert found("plain text") == []

    def test_kept_up_to_date_by_queryset_update(self):
        article = ArticleFactory(title="Coalitions", dek="", body="Plain text.")
        Article.objects.filter(pk=article.pk).update(dek="Filibuster reform.")
        assert found("filibuster") == [article]

    def test_stemming_phrases_or_and_negation(self):
        working = ArticleFactory(title="Working class voters", body="The campaign.")
        ArticleFactory(title="Class sizes", body="Working parents and voters.")
        senate = ArticleFactory(title="The senate map", body="Campaigning in Ohio.")
        assert found('"working class voters"') == [working]
        assert set(found("campaigns")) == {working, senate}
        assert found("campaign -senate") == [working]
        assert set(found("filibuster or senate")) == {senate}

    def test_only_published_articles_are_found(self):
        published = ArticleFactory(title="Turnout memo")
        ArticleFactory(title="Turnout draft", status=Article.Status.DRAFT)
        ArticleFactory(
            title="Turnout scheduled",
            status=Article.Status.PUBLISHED,
            pub_date=timezone.now() + timedelta(days=1),
        )
        assert found("turnout") == [published]

    def test_stop_words_alone_find_nothing(self):
        ArticleFactory(title="The party of the people")
        assert found("the of") == []


@postgresql_only
def test_the_newest_matches_and_title_matches_are_ranked_and_the_page_says_more_match(
    client, monkeypatch
):
    monkeypatch.setattr(search, "RANKED_MATCHES", 3)
    monkeypatch.setattr("posts.models.RANKED_MATCHES", 3)
    now = timezone.now()
    oldest_title_match = ArticleFactory(title="Turnout", pub_date=now - timedelta(days=10))
    newest = [
        ArticleFactory(
            title=f"Piece {n}", body="It mentions turnout.", pub_date=now - timedelta(days=n)
        )
        for n in range(1, 5)
    ]
    # The three newest are ranked, and so is the older article whose title has
    # the word (first: title above body); the fourth body match is left out.
    assert found("turnout") == [oldest_title_match, *newest[:3]]
    response = client.get("/search/", {"q": "turnout"})
    assert "More than 4 articles found." in response.content.decode()


@postgresql_only
def test_a_phrase_is_looked_for_among_the_newest_articles_having_its_words(client, monkeypatch):
    for module in (search, "posts.models", "posts.views"):
        monkeypatch.setattr(f"{getattr(module, '__name__', module)}.RANKED_MATCHES", 2)
    now = timezone.now()
    phrase = ArticleFactory(title="Working class voters", pub_date=now - timedelta(days=1))
    ArticleFactory(title="Voters of the working class", pub_date=now - timedelta(days=2))
    ArticleFactory(title="Working class voters again", pub_date=now - timedelta(days=3))
    assert found('"working class voters"') == [phrase]
    response = client.get("/search/", {"q": '"working class voters"'})
    assert "1 article found among the 2 newest having all the words." in response.content.decode()


@postgresql_only
def test_search_page_counts_and_pages_without_ranking_again(client):
    for n in range(12):
        ArticleFactory(title=f"Turnout piece {n:02d}")
    response = client.get("/search/", {"q": "turnout", "page": 2})
    html = response.content.decode()
    assert "12 articles found." in html
    # Equal ranks, newest first: the two oldest are on page 2.
    assert "Turnout piece 00" in html and "Turnout piece 01" in html
    assert "Turnout piece 02" not in html
    queries = [sql for sql in _search_queries(client, "turnout") if "ts_rank" in sql]
    # The pages found are ranked by a query of their own (PageQuerySet.search).
    ranking = [sql for sql in queries if 'FROM "posts_article"' in sql]
    assert len(ranking) == 1, ranking
    assert len([sql for sql in queries if 'FROM "posts_page"' in sql]) == 1, queries


def _search_queries(client, query: str) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/search/", {"q": query}).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@postgresql_only
def test_search_queries_run_under_the_statement_timeout(client, settings):
    settings.SEARCH_TIMEOUT_MS = 1234
    ArticleFactory(title="Turnout")
    queries = _search_queries(client, "turnout")
    # Inside the test's transaction, the limit is set in a savepoint...
    assert queries[0].startswith("SAVEPOINT ")
    assert queries[1] == "SET LOCAL statement_timeout = 1234"
    # ... and the test's own transaction goes on without it.
    assert queries[-2] == "SET LOCAL statement_timeout TO DEFAULT"
    assert queries[-1].startswith("RELEASE SAVEPOINT ")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_search_that_takes_too_long_is_a_503_keeping_the_query(client, settings):
    """A real timeout: another session holds a lock the search has to wait for."""
    settings.SEARCH_TIMEOUT_MS = 200
    ArticleFactory(title="Turnout")
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    ) as other:
        other.execute("LOCK TABLE posts_article IN ACCESS EXCLUSIVE MODE")
        response = client.get("/search/", {"q": "democratic majority"})
        other.rollback()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "The search is taking too long" in html
    assert 'value="democratic majority"' in html
    # The connection is usable again, and the next search answers.
    assert client.get("/search/", {"q": "turnout"}).status_code == 200


@postgresql_only
def test_the_search_query_uses_the_gin_index_and_reads_no_table_whole():
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            title=f"Piece {n} on coalitions",
            slug=f"piece-{n}",
            dek="Turnout and persuasion.",
            body=f"Voters decide in county {n}." + (" The zeppelin vote." if n % 500 == 0 else ""),
            status=Article.Status.PUBLISHED,
            pub_date=now - timedelta(hours=n + 1),
        )
        for n in range(2_000)
    )
    with connection.cursor() as cursor:
        # As autovacuum would: the new rows out of the GIN index's pending list, and statistics.
        cursor.execute("SELECT gin_clean_pending_list('posts_article_search_vector_gin')")
        cursor.execute("ANALYZE posts_article")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        ids = search.newest_matches(Article.objects.published(), "zeppelin")
    assert len(ids) == 4
    (sql,) = (q["sql"] for q in queries.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
    assert "posts_article_search_vector_gin" in plan, plan
    assert "Seq Scan on posts_article" not in plan, plan

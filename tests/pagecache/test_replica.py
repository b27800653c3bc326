"""
The read replica router (pagecache.routers), tested with a second database
alias that is a test mirror of the default one (as DATABASE_REPLICA_URL would
configure it): reads go to the replica, writes to the primary, and a reader
who has just posted reads from the primary so their own comment is there.
"""

import pytest
from django.db import connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, DiscussionSettings
from pagecache import routers
from posts.models import Article, SiteSettings
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory

# A "replica" alias mirroring the default database, unless DATABASE_REPLICA_URL
# already configured one. Added at import, before the test databases are set up.
if routers.REPLICA not in connections.settings:
    _primary = connections.settings[routers.PRIMARY]
    connections.settings[routers.REPLICA] = {
        **_primary,
        "TEST": {**_primary["TEST"], "MIRROR": routers.PRIMARY},
    }

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def _routed(settings, fake_google):
    settings.DATABASE_ROUTERS = ["pagecache.routers.PrimaryReplicaRouter"]
    settings.REPLICA_PIN_SECONDS = 10
    # The single-row settings exist on any site that has served a page.
    SiteSettings.load()
    DiscussionSettings.load()


class Queries:
    """The SQL run on the primary and on the replica inside the block."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


def test_reads_go_to_the_replica_and_writes_to_the_primary():
    with Queries() as queries:
        article = ArticleFactory()
    assert len(queries.primary) > 0
    assert not any(q["sql"].lstrip().upper().startswith("INSERT") for q in queries.replica)
    with Queries() as queries:
        assert Article.objects.get(pk=article.pk).title == article.title
    assert len(queries.replica) == 1
    assert len(queries.primary) == 0


def test_reads_inside_a_transaction_stay_on_the_primary():
    article = ArticleFactory()
    with Queries() as queries, transaction.atomic():
        Article.objects.get(pk=article.pk)
    assert len(queries.replica) == 0


def test_pinned_block_reads_from_the_primary():
    article = ArticleFactory()
    with Queries() as queries, routers.pinned_to_primary():
        Article.objects.get(pk=article.pk)
    assert len(queries.replica) == 0
    assert len(queries.primary) == 1


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "posts")
    assert not router.allow_migrate("replica", "posts")


def test_a_reader_browsing_reads_from_the_replica(settings):
    settings.PAGE_CACHE_ENABLED = False
    article = ArticleFactory()
    with Queries() as queries:
        assert Client().get(article.get_absolute_url()).status_code == 200
    replica_sql = " ".join(q["sql"] for q in queries.replica)
    assert "posts_article" in replica_sql
    assert "comments_comment" in replica_sql
    # Only the single-row settings, read with get_or_create (a write path), use the primary.
    for query in queries.primary:
        assert query["sql"].startswith("SELECT")
        assert "settings" in query["sql"].split("FROM", 1)[1].split()[0]


def test_a_reader_who_posted_is_pinned_to_the_primary_and_sees_their_comment(settings):
    settings.PAGE_CACHE_ENABLED = False  # (pages rendered for the cache always use the primary)
    article = ArticleFactory()
    reader = Client()
    response = reader.post(
        f"/comments/post/{article.pk}/", comment_data(article, comment="Pinned words.")
    )
    assert response.status_code == 302
    pin = response.cookies[routers.PIN_COOKIE]
    assert pin["max-age"] == 10
    assert pin["httponly"]
    assert Comment.objects.get(body="Pinned words.").status == Comment.Status.PENDING

    with Queries() as queries:
        # What the reader's script asks for: their own comments, from the primary.
        page = reader.get(f"/comments/personal/{article.pk}/")
    assert "Pinned words." in page.content.decode()
    assert len(queries.replica) == 0
    assert len(queries.primary) > 0

    with Queries() as queries:
        other = Client().get(article.get_absolute_url())
    assert "Pinned words." not in other.content.decode()
    assert len(queries.replica) > 0


def test_no_pin_cookie_without_a_replica():
    replica = connections.settings.pop(routers.REPLICA)
    try:
        article = ArticleFactory()
        response = Client().post(f"/comments/post/{article.pk}/", comment_data(article))
        assert response.status_code == 302
        assert routers.PIN_COOKIE not in response.cookies
    finally:
        connections.settings[routers.REPLICA] = replica

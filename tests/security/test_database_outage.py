"""The database going away mid-request gives a friendly 503, never a traceback."""

from html import escape
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper

from comments.models import Comment, DiscussionSettings
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory


def _broken_cursor(exc, after: int = 0):
    """The database answers ``after`` queries, then every query fails with ``exc``."""
    real_execute = CursorWrapper.execute
    calls = []

    def execute(self, *args, **kwargs):
        calls.append(args[0] if args else "")
        if len(calls) > after:
            raise exc
        return real_execute(self, *args, **kwargs)

    return mock.patch.object(CursorWrapper, "execute", execute)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
    ],
    ids=["operational", "interface"],
)
@pytest.mark.parametrize("after", [0, 1, 2], ids=["at-once", "after-1-query", "after-2-queries"])
def test_outage_gives_a_friendly_503(client, exc, after, settings):
    settings.PAGE_CACHE_ENABLED = False
    article = ArticleFactory()
    for path in ("/", article.get_absolute_url()):
        with _broken_cursor(exc, after=after):
            response = client.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30"
        assert response["Cache-Control"] == "no-store"
        body = response.content.decode()
        assert "We'll be right back" in body
        assert "Traceback" not in body
        assert "OperationalError" not in body
        assert "InterfaceError" not in body
        # The outage page is as hardened as every other page.
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_outage_during_a_post_gives_503(client):
    article = ArticleFactory()
    with _broken_cursor(OperationalError("could not connect to server")):
        response = client.post(article.get_absolute_url(), {"comment": "hello"})
    # Whatever the view, a POST that cannot reach the database says so (503),
    # unless the URL refuses POSTs before touching the database (405).
    assert response.status_code in (503, 405)
    if response.status_code == 503:
        assert "We'll be right back" in response.content.decode()


@pytest.mark.django_db
def test_other_errors_are_not_hidden_as_outages(client):
    client.raise_request_exception = False
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=ZeroDivisionError
    ):
        response = client.get("/")
    assert response.status_code == 500


def _failing_inserts(exc):
    """Reads work; every INSERT fails with ``exc``: the database goes away as a comment is saved."""
    real_execute = CursorWrapper.execute

    def execute(self, sql, *args, **kwargs):
        if sql.lstrip().upper().startswith("INSERT"):
            raise exc
        return real_execute(self, sql, *args, **kwargs)

    return mock.patch.object(CursorWrapper, "execute", execute)


WORDS = "Turnout in <b>Maricopa</b> & the suburbs decided it.\n\nSecond paragraph, still mine."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "outage",
    [
        lambda: _failing_inserts(OperationalError("server closed the connection unexpectedly")),
        lambda: _broken_cursor(InterfaceError("connection already closed")),
    ],
    ids=["while-saving", "from-the-start"],
)
def test_outage_while_posting_a_comment_gives_the_words_back(client, fake_google, outage):
    article = ArticleFactory()
    data = comment_data(article, comment=WORDS)
    DiscussionSettings.load()
    with outage():
        response = client.post(f"/comments/post/{article.pk}/", data, REMOTE_ADDR="192.0.2.40")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "We'll be right back" in html
    assert "Your comment was not saved" in html
    # The reader's words, escaped, in a box to copy them from.
    assert f"readonly>{escape(WORDS)}</textarea>" in html
    assert "<b>Maricopa</b>" not in html
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_comment_the_database_failed_to_store_can_be_posted_again_at_once(client, fake_google):
    """No flood slot (429) or duplicate fingerprint (409) is left behind by the failed save."""
    DiscussionSettings.load()  # the settings row exists: the comment is the first INSERT
    article = ArticleFactory()
    data = comment_data(article, comment=WORDS)
    with _failing_inserts(OperationalError("could not connect to server")):
        failed = client.post(f"/comments/post/{article.pk}/", data, REMOTE_ADDR="192.0.2.41")
    assert failed.status_code == 503
    again = client.post(f"/comments/post/{article.pk}/", data, REMOTE_ADDR="192.0.2.41")
    assert again.status_code == 302
    assert list(Comment.objects.values_list("body", flat=True)) == [WORDS]
    # The stored comment claims its slot and fingerprint as usual.
    assert (
        client.post(f"/comments/post/{article.pk}/", data, REMOTE_ADDR="192.0.2.42").status_code
        == 409
    )


# Committed for real: a database that fails mid-transaction leaves PostgreSQL's
# transaction aborted, which the test's own surrounding transaction would keep.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("after", [0, 1, 3], ids=["at-once", "after-1-query", "after-3-queries"])
def test_outage_with_the_database_cache_gives_503_not_500(client, after, settings):
    """Without Redis the page cache lives in the same database: its failure is the same outage."""
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "strategist_cache",
        }
    }
    article = ArticleFactory()
    for path in ("/", article.get_absolute_url()):
        with _broken_cursor(OperationalError("server closed the connection"), after=after):
            response = client.get(path)
        assert response.status_code == 503, path
        assert "We'll be right back" in response.content.decode()

"""Old WordPress addresses answer with a 301 to the new ones."""

import pytest
from django.utils import timezone

from posts.models import Article, Tag
from wordpress.models import LegacyRedirect, WordPressItem

pytestmark = pytest.mark.usefixtures("small_export_imported")  # tests/wordpress/conftest.py


def assert_moved(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new
    assert client.get(new).status_code == 200, new


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/?p=101", "/2024/05/why-turnout-matters/"),
        ("/2024/05/14/why-turnout-matters/", "/2024/05/why-turnout-matters/"),
        ("/why-turnout-matters/", "/2024/05/why-turnout-matters/"),
        ("/why-turnout-matters", "/2024/05/why-turnout-matters/"),
        # Same WordPress slug, same month: the second article got -2.
        ("/?p=108", "/2024/05/why-turnout-matters-2/"),
        ("/2024/05/28/why-turnout-matters/", "/2024/05/why-turnout-matters-2/"),
        ("/2024/05/28/why-turnout-matters-2/", "/2024/05/why-turnout-matters-2/"),
        # Non-ASCII WordPress slug, percent-encoded in the request.
        ("/2024/05/20/%C3%A9lections-municipales/", "/2024/05/elections-municipales/"),
        ("/%C3%A9lections-municipales/", "/2024/05/elections-municipales/"),
        # 03:30 UTC on 1 March is 29 February in New York: the month differs.
        ("/2024/03/01/leap-day-column/", "/2024/02/leap-day-column/"),
        ("/2024/03/leap-day-column/", "/2024/02/leap-day-column/"),
        ("/leap-day-column/", "/2024/02/leap-day-column/"),
        # Categories (nested ones by their full path) and tags.
        ("/category/strategy/", "/tag/strategy/"),
        ("/category/strategy/polling/", "/tag/polling/"),
        ("/category/elections/", "/tag/elections/"),
        ("/tag/%C3%A9lecteurs/", "/tag/electeurs/"),
        # The page "About us" (issue 16): WordPress's ?p= and ?page_id= name pages too.
        ("/?p=109", "/about/"),
        ("/?page_id=109", "/about/"),
    ],
)
def test_old_addresses_redirect_permanently(client, old, new):
    assert_moved(client, old, new)


def test_post_id_query_works_on_any_path(client):
    response = client.get("/2019/?p=107")
    assert response.status_code == 301
    assert response["Location"] == "/2024/02/leap-day-column/"


def test_post_id_query_does_not_hijack_the_admin_pagination(admin_client):
    Article.objects.filter(wordpress_id=107).update(wordpress_id=1)
    WordPressItem.objects.filter(wordpress_id=107).update(wordpress_id=1)
    assert admin_client.get("/?p=1").status_code == 301
    response = admin_client.get("/admin/posts/article/?p=1")
    assert response.status_code == 200
    assert b"Why turnout beats persuasion" in response.content


def test_new_address_is_not_stored_as_an_old_one():
    assert not LegacyRedirect.objects.filter(old_path="/2024/05/why-turnout-matters/").exists()
    assert not LegacyRedirect.objects.filter(old_path="/tag/turnout/").exists()
    assert not LegacyRedirect.objects.filter(old_path="/2024/05/elections-municipales/").exists()


def test_live_pages_are_left_alone(client):
    assert client.get("/2024/05/why-turnout-matters/").status_code == 200
    assert client.get("/tag/turnout/").status_code == 200
    assert client.get("/?q=turnout").status_code == 200


@pytest.mark.parametrize(
    "old",
    [
        "/?p=102",  # scheduled for 2099
        "/?p=103",  # draft
        "/?p=105",  # private on WordPress
        "/?p=999999",
        "/?p=10abc",
    ],
)
def test_no_redirect_to_what_readers_cannot_see(client, old):
    assert client.get(old).status_code == 200  # the home page, not a redirect


@pytest.mark.parametrize(
    "old",
    ["/2099/01/05/the-2099-map/", "/2024/06/04/private-memo/", "/private-memo/"],
)
def test_old_addresses_of_unpublished_posts_and_pages_stay_404(client, old):
    assert client.get(old).status_code == 404


def test_redirect_follows_later_edits(client):
    article = Article.objects.get(wordpress_id=101)
    article.slug = "turnout-beats-persuasion"
    article.save()
    assert_moved(client, "/?p=101", "/2024/05/turnout-beats-persuasion/")
    assert_moved(client, "/2024/05/14/why-turnout-matters/", "/2024/05/turnout-beats-persuasion/")
    tag = Tag.objects.get(slug="polling")
    tag.slug = "polls"
    tag.save()
    assert_moved(client, "/category/strategy/polling/", "/tag/polls/")


def test_scheduled_article_redirects_once_published(client):
    article = Article.objects.get(wordpress_id=102)
    article.pub_date = timezone.now() - timezone.timedelta(minutes=1)
    article.save()
    assert_moved(client, "/?p=102", article.get_absolute_url())


def test_only_get_and_head_are_redirected(client):
    assert client.head("/why-turnout-matters/").status_code == 301
    assert client.post("/why-turnout-matters/").status_code in (403, 404, 405)


def test_stored_old_addresses():
    stored = {
        r.old_path: (
            r.article.wordpress_id if r.article else f"tag {r.tag.slug}" if r.tag else r.target_url
        )
        for r in LegacyRedirect.objects.select_related("article", "tag").filter(page=None)
    }
    assert stored == {
        "/2024/03/01/leap-day-column/": 107,
        "/2024/03/leap-day-column/": 107,
        "/leap-day-column/": 107,
        "/2024/05/14/why-turnout-matters/": 101,
        "/why-turnout-matters/": 101,
        "/2024/05/20/élections-municipales/": 106,
        "/2024/05/élections-municipales/": 106,
        "/élections-municipales/": 106,
        # 108's /why-turnout-matters/ already leads to 101, and its
        # /2024/05/why-turnout-matters/ is 101's new address: neither is stored.
        "/2024/05/28/why-turnout-matters-2/": 108,
        "/2024/05/28/why-turnout-matters/": 108,
        # Unpublished ones are stored but only answer once published.
        "/2024/06/03/awaiting-review/": 104,
        "/awaiting-review/": 104,
        "/2024/06/04/private-memo/": 105,
        "/private-memo/": 105,
        "/2099/01/05/the-2099-map/": 102,
        "/the-2099-map/": 102,
        "/category/elections/": "tag elections",
        "/category/strategy/": "tag strategy",
        "/category/strategy/polling/": "tag polling",
        "/tag/électeurs/": "tag electeurs",
        # WordPress's ?cat=N (categories' term IDs) and ?author=N addresses.
        "/?cat=3": "tag strategy",
        "/?cat=4": "tag polling",
        "/?cat=5": "tag elections",
        "/?author=1": "/author/maria/",
        "/?author=2": "/author/tom/",
    }


def test_every_stored_address_of_a_published_article_lands_on_it(client):
    checked = 0
    for redirect in LegacyRedirect.objects.select_related("article", "tag"):
        if redirect.article and not redirect.article.is_published():
            assert client.get(redirect.old_path).status_code == 404
            continue
        response = client.get(redirect.old_path)
        assert response.status_code == 301, redirect.old_path
        assert response["Location"] == redirect.get_target_url()
        assert client.get(response["Location"]).status_code == 200
        checked += 1
    assert checked == 19  # 14 addresses, 3 ?cat=N, 2 ?author=N


def test_admin_lists_old_addresses(admin_client):
    response = admin_client.get("/admin/wordpress/legacyredirect/?q=turnout")
    assert response.status_code == 200
    assert b"/2024/05/14/why-turnout-matters/" in response.content
    assert admin_client.get("/admin/wordpress/wordpressterm/").status_code == 200

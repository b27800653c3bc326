"""
The admin speaks for the publication (security/admin_site.py,
templates/admin/base_site.html): its name as header and title, help texts
that show their placeholders, "Quotation number", "WordPress" spelt so,
technical models apart and for superusers only, and the article list's
scheduled time and last editor.
"""

import re
from datetime import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from posts.models import Article, SiteSettings
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

TECHNICAL_URLS = [
    "/admin/axes/accessattempt/",
    "/admin/axes/accesslog/",
    "/admin/axes/accessfailurelog/",
    "/admin/wordpress/wordpressterm/",
    "/admin/wordpress/legacyredirect/",
    "/admin/wordpress/wordpressmedia/",
    "/admin/django_tasks_database/dbtaskresult/",
]


@pytest.fixture
def moderator_client(client):
    user = UserFactory(username="moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return client


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def app_captions(html):
    return re.findall(r'class="section"[^>]*>([^<]+)</a>', html)


class TestHeader:
    def test_the_publications_name_is_the_header_and_title(self, editor_client):
        SiteSettings.objects.update_or_create(pk=1, defaults={"name": "The Weekly Ledger"})
        html = editor_client.get("/admin/").content.decode()
        assert '<div id="site-name"><a href="/admin/">The Weekly Ledger</a></div>' in html
        assert re.search(r"<title>[^<]*\| The Weekly Ledger</title>", html)
        assert "Django administration" not in html
        assert "Django site admin" not in html

    def test_the_login_page_too(self, client):
        html = client.get("/admin/login/").content.decode()
        assert "The Democratic Strategist" in html
        assert "Django administration" not in html


class TestLabels:
    @pytest.mark.parametrize(
        ("url", "placeholder"),
        [
            ("/admin/posts/article/add/", "/YYYY/MM/&lt;slug&gt;/"),
            ("/admin/posts/author/add/", "/author/&lt;slug&gt;/"),
            ("/admin/posts/tag/add/", "/tag/&lt;slug&gt;/"),
            ("/admin/posts/outlet/add/", "/source/&lt;slug&gt;/"),
        ],
    )
    def test_help_texts_show_the_slug_placeholder(self, editor_client, url, placeholder):
        html = editor_client.get(url).content.decode()
        help_text = re.search(
            r'<div class="help"[^>]*id="id_slug_helptext"[^>]*>(.*?)</div>', html, re.S
        )
        assert placeholder in help_text.group(1)
        assert "<slug>" not in html

    def test_the_quotation_order_is_called_quotation_number(self, editor_client):
        html = editor_client.get("/admin/posts/article/add/").content.decode()
        assert "Quotation number" in html

    def test_wordpress_is_spelt_so_in_the_admin(self, superuser_client):
        html = superuser_client.get("/admin/").content.decode()
        assert "Wordpress" not in html
        assert "WordPress terms" in html
        assert "Old WordPress addresses" in html


class TestTechnicalModels:
    def test_superusers_see_them_grouped_last(self, superuser_client):
        html = superuser_client.get("/admin/").content.decode()
        captions = app_captions(html)
        assert captions[-1] == "Technical"
        assert "WordPress import" not in captions and "Axes" not in captions
        technical = html[html.index(">Technical</a>") :]
        for name in [
            "Access attempts",
            "WordPress terms",
            "Old WordPress addresses",
            "Task Results (background tasks)",
        ]:
            assert name in technical
        for url in TECHNICAL_URLS:
            assert superuser_client.get(url).status_code == 200

    @pytest.mark.parametrize("who", ["editor_client", "moderator_client"])
    def test_editors_and_moderators_do_not_see_them(self, request, who):
        client = request.getfixturevalue(who)
        html = client.get("/admin/").content.decode()
        assert "Technical" not in app_captions(html)
        assert "WordPress" not in html
        assert "Access attempts" not in html
        for url in TECHNICAL_URLS:
            assert client.get(url).status_code == 403, url

    def test_not_even_with_the_permission(self, client):
        from django.contrib.auth.models import Permission

        user = UserFactory(is_staff=True)
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="wordpress"))
        client.force_login(user)
        assert client.get("/admin/wordpress/wordpressterm/").status_code == 403


class TestArticleList:
    def test_shows_the_scheduled_time(self, editor_client):
        tz = timezone.get_default_timezone()
        with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=tz), tick=False):
            ArticleFactory(
                status=Article.Status.PUBLISHED, pub_date=datetime(2026, 12, 3, 9, 0, tzinfo=tz)
            )
            html = editor_client.get("/admin/posts/article/").content.decode()
        assert "Scheduled for 3 Dec, 09:00" in html
        assert '<th scope="col" class="column-last_edited">' in html


class TestEditorsGroup:
    def test_needs_no_permission_on_revisions_or_autosaves(self):
        group = Group.objects.get(name="Editors")
        apps = set(group.permissions.values_list("content_type__app_label", flat=True))
        assert apps == {"posts", "menus"}  # menus: the site menu (tests/menus/test_admin.py)

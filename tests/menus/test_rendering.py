"""The menu in every page's header and footer, and redrawn in cached pages when it changes."""

import re

import pytest
from django.test import Client

from comments.models import DiscussionSettings
from menus.models import MenuItem
from posts.models import SiteSettings
from tests.factories import ArticleFactory, MenuItemFactory, PageFactory

pytestmark = pytest.mark.django_db


def header_menu(html: str) -> str:
    return html[html.index('<details class="site-menu">') : html.index("</details>")]


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') : html.index("</footer>")]


def labels(fragment: str) -> list[str]:
    return re.findall(r"<a href=\"[^\"]*\"[^>]*>([^<]+)</a>", fragment)


def test_a_new_site_shows_the_default_menu_and_keeps_rss_reachable(client):
    html = client.get("/").content.decode()
    assert labels(header_menu(html)) == ["Latest", "Archives", "Tags", "RSS"]
    assert '<a href="/feed/">RSS</a>' in header_menu(html)
    assert '<a href="/feed/">RSS feed</a>' in footer(html)
    assert 'class="footer-menu"' not in html  # no footer entries: no empty list


def test_header_and_footer_show_their_entries_with_children_as_a_submenu(client):
    about = MenuItemFactory(
        label="About",
        kind=MenuItem.Kind.PAGE,
        page=PageFactory(slug="about"),
        url="",
        placement=MenuItem.Placement.BOTH,
    )
    MenuItemFactory(label="Team", parent=about, url="/about/team/")
    MenuItemFactory(label="Donate", url="https://example.org/donate")
    MenuItemFactory(label="Privacy", url="/privacy/", placement=MenuItem.Placement.FOOTER)
    html = client.get("/").content.decode()
    header = header_menu(html)
    assert "<summary>Menu</summary>" in header
    assert labels(header) == ["About", "Team", "Donate"]
    assert re.search(
        r'<li class="has-children"><a href="/about/">About</a>\s*'
        r'<ul class="site-submenu" aria-label="About">\s*<li><a href="/about/team/">Team</a>',
        header,
    )
    assert labels(footer(html))[:3] == ["About", "Team", "Privacy"]


def test_the_current_page_is_marked_in_the_menu(client):
    MenuItemFactory(label="Latest", url="/")
    MenuItemFactory(label="Archives", kind=MenuItem.Kind.ARCHIVES, url="")
    ArticleFactory()
    html = client.get("/archives/").content.decode()
    assert '<a href="/archives/" aria-current="page">Archives</a>' in html
    assert '<a href="/">Latest</a>' in header_menu(html)


def test_labels_are_escaped_and_the_menu_has_no_inline_script_or_style(client):
    MenuItemFactory(label='<script>alert("x")</script> & Co', url="/x/")
    html = client.get("/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in header_menu(html)
    assert "<script" not in header_menu(html) + footer(html)
    assert "style=" not in header_menu(html) + footer(html)
    assert " on" not in re.sub(r">[^<]*<", "><", header_menu(html)).replace("aria-", "")


def test_the_menu_is_on_every_reader_page(client):
    MenuItemFactory(label="Colophon", url="/colophon/")
    article = ArticleFactory()
    for url in ["/", "/archives/", "/tags/", article.get_absolute_url(), "/search/?q=x"]:
        assert "Colophon" in header_menu(client.get(url).content.decode()), url
    assert "Colophon" in header_menu(client.get("/no-such-address/").content.decode())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["add", "edit", "delete"])
def test_a_menu_change_redraws_cached_pages(settings, change):
    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.load()
    DiscussionSettings.load()
    entry = MenuItemFactory(label="Before")

    def read():
        return Client().get("/")

    assert read()["X-Page-Cache"] == "miss"
    cached = read()
    assert cached["X-Page-Cache"] == "hit"
    assert "Before" in cached.content.decode()
    if change == "add":
        MenuItemFactory(label="Added")
    elif change == "edit":
        entry.label = "After"
        entry.save()
    else:
        entry.delete()
    redrawn = read()
    assert redrawn["X-Page-Cache"] == "miss"
    html = header_menu(redrawn.content.decode())
    assert {"add": "Added", "edit": "After", "delete": "Latest"}[change] in html
    assert ("Before" in html) == (change == "add")


def test_saving_or_deleting_an_entry_invalidates_every_page(monkeypatch):
    calls = []
    monkeypatch.setattr("pagecache.invalidate_all", lambda: calls.append(1))
    entry = MenuItemFactory()
    assert calls == [1]
    entry.delete()
    assert calls == [1, 1]

"""
Pages become pages and the navigation menu becomes the site menu (issue 16,
part 3): hierarchy, status, old addresses, renamed slugs, page comments, and
menu entries of every kind, with what could not come named in the report.
"""

from pathlib import Path

import pytest
from django.conf import settings

from comments.models import Comment
from menus.models import MenuItem
from posts.models import Page
from wordpress.models import LegacyRedirect

from .wxr_builder import comment, export, item, menu_item, run_import

SITE = "https://old.example.org"


def page(post_id, title, slug, **kwargs):
    kwargs.setdefault("link", f"{SITE}/{kwargs.pop('old_path', slug)}/")
    return item(post_id, title, site=SITE, post_type="page", slug=slug, **kwargs)


def pages_export(tmp_path, *, about_title="About us"):
    return export(
        tmp_path,
        f"pages-{about_title}",
        SITE,
        [
            # The child comes before its parent in the file.
            page(21, "The team", "team", parent=20, old_path="about/team", menu_order=2),
            page(
                20,
                about_title,
                "about",
                content="<h1>Who we are</h1>We write about campaigns.",
                comments=comment(301, "Nice to meet you.") + comment(302, "Held.", approved="0"),
            ),
            page(22, "Feed", "feed", content="Not our feed."),  # a reserved address
            page(23, "Drafty", "drafty", status="draft"),
            page(24, "Policy", "policy", comment_status="open"),  # no comments: stays closed
            page(25, "Private notes", "private-notes", status="private"),
            page(26, "Gone", "gone", status="trash"),
            page(27, "About feeds", "feed", parent=20, old_path="about/feed"),
            item(40, "A post", site=SITE, slug="a-post", terms=""),
        ],
    )


@pytest.fixture
def utc(settings):
    settings.TIME_ZONE = "UTC"


def test_pages_come_across_with_their_hierarchy_and_statuses(db, utc, tmp_path, client):
    out = run_import(pages_export(tmp_path))
    assert "Pages: 7 imported, 0 updated, 0 unchanged, 1 skipped" in out
    assert "skipped 1: status “trash”" in out
    about = Page.objects.get(slug="about")
    team = Page.objects.get(slug="team")
    assert team.parent == about and team.path == "about/team" and team.menu_order == 2
    assert about.status == Page.Status.PUBLISHED
    assert about.published_at.isoformat() == "2024-05-14T12:00:00+00:00"
    assert about.created_at.isoformat() == "2024-05-14T12:00:00+00:00"
    # The body went through the articles' conversion (h1 is the page title's).
    assert "<h1>" not in about.body_html and "Who we are" in about.body_html
    assert Page.objects.get(slug="drafty").status == Page.Status.DRAFT
    assert Page.objects.get(slug="private-notes").status == Page.Status.DRAFT
    assert "page 25 “Private notes”: private on WordPress; imported as a draft." in out
    assert client.get("/about/team/").status_code == 200
    assert client.get("/about/").status_code == 200


def test_reserved_and_taken_slugs_are_renamed_and_reported(db, utc, tmp_path, client):
    Page.objects.create(title="Policy (ours)", slug="policy", body="Ours.", status="published")
    out = run_import(pages_export(tmp_path))
    feed = Page.objects.get(title="Feed")
    assert feed.path == "feed-page"
    assert Page.objects.get(title="Policy").path == "policy-2"
    assert "Pages renamed (3):" in out
    assert Page.objects.get(title="About feeds").path == "about/feed-page"
    assert "/about/feed/ became /about/feed-page/ (“feed” is an address under every page)" in out
    assert "page 22 “Feed”: /feed/ became /feed-page/ (/feed/ is an address of this site)" in out
    assert "page 24 “Policy”: /policy/ became /policy-2/ (another page has /policy/)" in out
    # /feed/ stays the site's feed; /policy/ stays our page, and the report says so.
    assert client.get("/feed/").status_code == 200
    assert "/policy/ (page 24 “Policy”) is the address of the page “Policy (ours)”" in out


def test_old_addresses_of_pages_answer_301(db, utc, tmp_path, client):
    run_import(pages_export(tmp_path))
    team = Page.objects.get(slug="team")
    # ?page_id= and ?p= name pages on WordPress.
    for old in ("/?page_id=21", "/?p=21", "/2019/?page_id=21"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == "/about/team/"
    assert client.get("/?page_id=23").status_code == 200  # a draft: the home page, no redirect
    feed = Page.objects.get(title="Feed")
    assert LegacyRedirect.objects.get(page=feed).old_path == "/feed/"  # shadowed, but kept
    # A page in the trash: its old address is gone, as the page is.
    team.move_to_trash()
    assert client.get("/?page_id=21").status_code == 410


def test_page_comments_come_and_open_as_on_wordpress(db, utc, tmp_path):
    out = run_import(pages_export(tmp_path))
    about = Page.objects.get(slug="about")
    assert set(about.comments.values_list("wordpress_id", "status")) == {
        (301, Comment.Status.APPROVED),
        (302, Comment.Status.PENDING),
    }
    assert about.comments_open  # it had comments and WordPress's comment_status was open
    assert not Page.objects.get(slug="policy").comments_open  # open, but no comments
    assert "Comments: 2 imported" in out


def test_pages_reimported_unchanged_and_local_edits_kept(db, utc, tmp_path):
    run_import(pages_export(tmp_path))
    before = list(Page.objects.order_by("pk").values_list("pk", "path", "title"))
    out = run_import(pages_export(tmp_path))
    assert "Pages: 0 imported, 0 updated, 7 unchanged" in out
    assert "Comments: 0 imported, 0 updated, 2 unchanged" in out
    assert list(Page.objects.order_by("pk").values_list("pk", "path", "title")) == before
    about = Page.objects.get(slug="about")
    about.body = "<p>Rewritten here.</p>"
    about.save()
    out = run_import(pages_export(tmp_path, about_title="About"))
    about.refresh_from_db()
    assert about.title == "About us" and "Rewritten here" in about.body
    assert "page 20 “About” (now “About us”, /about/)" in out
    out = run_import(pages_export(tmp_path, about_title="About"), "--overwrite")
    about.refresh_from_db()
    assert about.title == "About" and "Rewritten here" not in about.body


def menu_export(tmp_path, name="menu", extra=()):
    return export(
        tmp_path,
        name,
        SITE,
        [
            page(20, "About us", "about"),
            page(21, "The team", "team", parent=20),
            item(40, "A post", site=SITE, slug="a-post"),
            menu_item(50, site=SITE, title="Home", url=f"{SITE}/", order=1),
            menu_item(51, site=SITE, kind="post_type", obj="page", object_id=20, order=2),
            menu_item(
                52, site=SITE, kind="post_type", obj="page", object_id=21, parent=51, order=3
            ),
            menu_item(53, site=SITE, title="Deep", url="https://x.example.net/", parent=52),
            menu_item(54, site=SITE, kind="taxonomy", obj="category", object_id=7, order=5),
            menu_item(
                55, site=SITE, title="Elsewhere", url="https://elsewhere.example.net/a", order=6
            ),
            menu_item(56, site=SITE, kind="post_type", obj="post", object_id=40, order=7),
            menu_item(57, site=SITE, title="More", url="#", order=8),
            menu_item(58, site=SITE, title="Old search", url=f"{SITE}/?s=x", parent=57, order=9),
            menu_item(59, site=SITE, kind="post_type", obj="page", object_id=999, order=10),
            menu_item(60, site=SITE, title="Twitter", url="https://x.example.net/", menu="social"),
            *extra,
        ],
    )


def test_the_menu_becomes_the_site_menu(db, utc, tmp_path, client):
    out = run_import(menu_export(tmp_path))
    entries = {entry.label: entry for entry in MenuItem.objects.select_related("parent", "page")}
    assert entries["Home"].kind == MenuItem.Kind.URL and entries["Home"].url == "/"
    assert entries["About us"].page == Page.objects.get(slug="about")
    assert entries["The team"].parent == entries["About us"]
    assert entries["The team"].page.path == "about/team"
    assert entries["Analysis"].kind == MenuItem.Kind.TAG and entries["Analysis"].tag.slug
    assert entries["Elsewhere"].url == "https://elsewhere.example.net/a"
    assert entries["A post"].url == "/2024/05/a-post/"
    # The child of a "#" entry comes as a top-level entry, with the old site's path.
    assert entries["Old search"].parent is None and entries["Old search"].url == "/?s=x"
    assert [e.label for e in MenuItem.objects.filter(parent=None)] == [
        "Home",
        "About us",
        "Analysis",
        "Elsewhere",
        "A post",
        "Old search",
    ]
    assert "Deep" not in entries and "More" not in entries and "Twitter" not in entries
    assert "Menu entries: 7 imported" in out
    assert "skipped 1: deeper than one level" in out
    assert "skipped 1: custom link that is not an address (e.g. “#”)" in out
    assert "skipped 1: links to a page that was not imported" in out
    assert (
        "skipped 1: in the menu “Social” (only one menu becomes the site menu: “Main-Menu”)" in out
    )
    for entry in MenuItem.objects.all():
        entry.full_clean()
    response = client.get("/")
    assert b'href="/about/team/"' in response.content


def test_a_menu_that_has_entries_is_left_alone(db, utc, tmp_path):
    MenuItem.objects.create(label="Ours", kind=MenuItem.Kind.ARCHIVES)
    out = run_import(menu_export(tmp_path))
    assert list(MenuItem.objects.values_list("label", flat=True)) == ["Ours"]
    assert "the site menu already has entries (it is filled only when empty)" in out
    # A re-import does not add the menu twice either.
    MenuItem.objects.all().delete()
    run_import(menu_export(tmp_path))
    count = MenuItem.objects.count()
    run_import(menu_export(tmp_path))
    assert MenuItem.objects.count() == count == 7


# The two real exports in ../shared/fixtures -----------------------------------------

SHARED = Path(settings.BASE_DIR).parent / "shared" / "fixtures"
THEME_UNIT_TEST = SHARED / "wordpress-theme-unit-test.xml"
MEDIA_SITE = SHARED / "wordpress-media-site.xml"


def needs(path):
    return pytest.mark.skipif(
        not path.is_file(), reason=f"the real WordPress export {path} is missing (../shared)"
    )


@pytest.mark.shared
@needs(MEDIA_SITE)
def test_media_site_pages_nest_and_its_menu_comes(db, settings, client):
    settings.TIME_ZONE = "Europe/London"
    out = run_import(MEDIA_SITE)
    assert "Pages: 5 imported" in out
    paths = set(Page.objects.values_list("path", flat=True))
    assert {"about", "about/masthead", "about/masthead/contributors", "contact"} <= paths
    assert "comment-policy" in paths
    policy = Page.objects.get(path="comment-policy")
    assert policy.comments.count() == 3
    assert client.get("/about/masthead/contributors/").status_code == 200
    assert client.get("/?page_id=7")["Location"] == "/about/masthead/contributors/"
    # The menu (8 entries in one menu) is the site menu; nothing is silently lost.
    imported = MenuItem.objects.count()
    skipped = sum(
        int(line.split("skipped ")[1].split(":")[0])
        for line in out.split("Menu entries:")[1].split("Redirects:")[0].splitlines()
        if "skipped " in line and ":" in line
    )
    assert imported + skipped == 8 and imported >= 5
    pages_in_menu = MenuItem.objects.filter(kind=MenuItem.Kind.PAGE)
    assert pages_in_menu.filter(page__path="about").exists()
    assert "Menu entries: 0 imported" in run_import(MEDIA_SITE)  # the menu is no longer empty


@pytest.mark.shared
@needs(THEME_UNIT_TEST)
def test_theme_unit_test_pages_and_menu(db, settings, client):
    settings.TIME_ZONE = "America/New_York"
    out = run_import(THEME_UNIT_TEST)
    assert "Pages: 21 imported, 0 updated, 0 unchanged" in out
    # Deep hierarchies keep their depth; pages at every depth answer.
    assert Page.objects.filter(path="level-1/level-2/level-3").exists()
    for page_ in Page.objects.published():
        assert client.get(page_.get_absolute_url()).status_code == 200, page_.path
    # Of its five menus, the one with most real entries ("All Pages") is the site menu.
    assert "only one menu becomes the site menu: “All Pages”" in out
    # Its Level 3 pages are two levels down: the site menu is one level deep.
    assert "Menu entries: 15 imported, 0 updated, 0 unchanged, 55 skipped" in out
    assert "skipped 3: deeper than one level" in out
    assert "Menu entry" not in out  # no warning about the menu
    top = MenuItem.objects.filter(parent=None)
    assert top.exists() and all(entry.kind == MenuItem.Kind.PAGE for entry in top)
    assert MenuItem.objects.exclude(parent=None).exists()
    assert all(entry.parent.parent_id is None for entry in MenuItem.objects.exclude(parent=None))
    response = client.get("/")
    assert b'href="/about/"' in response.content


def test_a_child_before_its_parent_takes_its_slug_under_it(db, utc, tmp_path):
    path = export(
        tmp_path,
        "child-first",
        SITE,
        [
            page(31, "Search tips", "search", parent=30, old_path="help/search"),
            page(30, "Help", "help"),
        ],
    )
    out = run_import(path)
    assert Page.objects.get(title="Search tips").path == "help/search"
    assert "Pages renamed" not in out
    assert run_import(path).count("Pages: 0 imported, 0 updated, 2 unchanged") == 1

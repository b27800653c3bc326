"""The import_wordpress command on the small export written for these tests."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from comments.models import Comment
from posts.models import Article, Author, Tag
from wordpress.models import LegacyRedirect, WordPressTerm

FIXTURES = Path(__file__).parents[1] / "fixtures" / "wordpress"
SMALL = FIXTURES / "small.xml"
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _new_york(settings):
    settings.TIME_ZONE = "America/New_York"
    timezone.deactivate()


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Everything the import writes, to compare before and after."""
    return {
        "authors": list(Author.objects.values().order_by("pk")),
        "tags": list(Tag.objects.values().order_by("pk")),
        "terms": list(WordPressTerm.objects.values().order_by("pk")),
        "articles": list(
            Article.objects.values()
            .order_by("pk")
            .values_list("pk", "title", "slug", "body", "status", "pub_date", "updated")
        ),
        "comments": list(Comment.objects.values().order_by("pk")),
        "redirects": list(LegacyRedirect.objects.values().order_by("pk")),
    }


@pytest.fixture
def imported(db):
    return run_import(SMALL)


# Authors, tags -------------------------------------------------------------


def test_authors_keep_login_and_name_with_private_email_and_no_password(imported):
    maria = Author.objects.get(wordpress_login="maria")
    assert maria.name == "María Núñez"
    assert maria.slug == "maria"
    assert maria.email == "maria@strategist.example.org"
    assert maria.user is None
    tom = Author.objects.get(wordpress_login="tom")
    assert tom.name == "Tom Okafor"  # no display name: first and last name
    assert Author.objects.count() == 2
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.count() == 0


def test_categories_and_tags_become_tags_with_wordpress_slugs(imported):
    assert set(Tag.objects.values_list("slug", flat=True)) == {
        "strategy",
        "polling",
        "elections",
        "turnout",
        "electeurs",
    }
    # The category "elections" and the tag "elections" are one Tag.
    elections = Tag.objects.get(slug="elections")
    assert elections.name == "Elections"
    assert set(WordPressTerm.objects.filter(tag=elections).values_list("taxonomy", flat=True)) == {
        "category",
        "post_tag",
    }
    assert Tag.objects.get(slug="electeurs").name == "Électeurs"
    article = Article.objects.get(wordpress_id=101)
    # Post formats are not topics.
    assert set(article.tags.values_list("slug", flat=True)) == {
        "polling",
        "elections",
        "turnout",
    }
    assert "Tags: 5 imported, 0 updated, 0 unchanged, 1 merged" in imported


# Posts -----------------------------------------------------------------------


def test_published_post_fields(imported):
    article = Article.objects.get(wordpress_id=101)
    assert article.title == "Why turnout beats persuasion & other lessons"
    assert article.slug == "why-turnout-matters"
    assert article.dek == "Turnout, not persuasion, decides close races."
    assert article.status == Article.Status.PUBLISHED
    assert article.pub_date == datetime.datetime(2024, 5, 14, 13, 0, tzinfo=UTC)
    assert list(article.authors.values_list("wordpress_login", flat=True)) == ["maria"]
    assert article.comments_open is True
    assert article.get_absolute_url() == "/2024/05/why-turnout-matters/"
    # Last updated as on WordPress (post_modified_gmt), not the time of the import.
    assert article.updated == datetime.datetime(2024, 5, 20, 14, 15, tzinfo=UTC)


def test_last_updated_is_the_publication_time_without_a_modified_time(imported):
    article = Article.objects.get(wordpress_id=105)
    assert article.updated == article.pub_date


def test_post_statuses(imported):
    statuses = dict(Article.objects.values_list("wordpress_id", "status"))
    assert statuses == {
        101: "published",
        102: "scheduled",
        103: "draft",
        104: "draft",
        105: "draft",
        106: "published",
        107: "published",
        108: "published",
    }
    assert "post 105 “Private memo to the board”: private on WordPress; imported as a draft." in (
        imported
    )


def test_scheduled_post_is_not_visible_yet(imported, client):
    article = Article.objects.get(wordpress_id=102)
    assert article.pub_date == datetime.datetime(2099, 1, 5, 12, 0, tzinfo=UTC)
    assert not article.is_published()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_draft_without_gmt_date_uses_local_time_and_title_for_slug(imported):
    article = Article.objects.get(wordpress_id=103)
    # 10:30 in New York (the site's time zone) on 2 June 2024 is 14:30 UTC.
    assert article.pub_date == datetime.datetime(2024, 6, 2, 14, 30, tzinfo=UTC)
    assert article.slug == "unfinished-notes-on-ohio"


def test_timezone_option_for_dates_without_gmt(db):
    run_import(SMALL, "--timezone", "Europe/Paris")
    article = Article.objects.get(wordpress_id=103)
    assert article.pub_date == datetime.datetime(2024, 6, 2, 8, 30, tzinfo=UTC)


def test_closed_comments_and_unknown_author(imported):
    article = Article.objects.get(wordpress_id=107)
    assert article.comments_open is False
    assert article.authors.count() == 0
    assert (
        "post 107 “A leap-day column by a departed writer”: author “ghost” is not among the "
        "export's authors; imported without an author." in imported
    )


def test_non_ascii_slug_and_title(imported):
    article = Article.objects.get(wordpress_id=106)
    assert article.title == "Élections municipales : ce que disent les chiffres"
    assert article.slug == "elections-municipales"


def test_slug_collision_in_a_month_gets_a_number(imported):
    assert Article.objects.get(wordpress_id=101).slug == "why-turnout-matters"
    assert Article.objects.get(wordpress_id=108).slug == "why-turnout-matters-2"


def test_skipped_items_are_counted(imported):
    assert Article.objects.count() == 8
    assert "skipped 1: attachments are not articles" in imported
    assert "skipped 1: revisions are not articles" in imported
    # Pages and menu entries are no longer skipped articles (issue 16).
    assert "Articles: 8 imported, 0 updated, 0 unchanged, 2 skipped" in imported
    assert "Pages: 1 imported" in imported


# Content -----------------------------------------------------------------------


def test_classic_content_is_paragraphed_and_captions_become_figures(imported):
    html = Article.objects.get(wordpress_id=101).body_html
    assert html.startswith(
        "<p>Campaigns spend most of their money on persuasion.<br>\n"
        "The voters who decide close races are often the ones who stay home.</p>\n"
    )
    assert (
        '<figure><a href="https://strategist.example.org/wp-content/uploads/2024/05/line.jpg">'
        # Without --media-dir or --fetch-media the image is not brought over: its
        # alt text stays inside its link, never an image the CSP would block.
        "Voters in line</a>"
        "<figcaption>Voters queue in Zürich, <em>early</em></figcaption></figure>" in html
    )
    assert "<p>Señora Peña's precinct doubled its turnout — «a small miracle», she said.</p>" in (
        html
    )
    # Other shortcodes stay as text and are listed in the report.
    assert '<p>[gallery ids="110,111" columns="2"]</p>' in html
    # <pre> keeps its blank line (the body is HTML: no blank line starts a paragraph);
    # scripts are removed with their content.
    assert "<pre>turnout = voted / eligible\n\nprint(turnout)</pre>" in html
    assert "alert" not in html and "<script" not in html
    assert html.endswith("</pre>")


def test_stored_body_renders_to_the_same_html(imported):
    from posts.rendering import render_body

    for article in Article.objects.all():
        # Imported as it is: HTML, which the article's rendering only cleans.
        assert article.body_format == Article.BodyFormat.HTML
        assert render_body(article.body, html=True) == article.body_html
        assert article.body == article.body_html


def test_block_editor_comments_are_removed_keeping_their_html(imported):
    html = Article.objects.get(wordpress_id=106).body_html
    assert "wp:" not in html and "<!--" not in html
    assert html == (
        "<p>Les chiffres racontent une histoire simple.</p>\n"
        '<figure><a href="https://strategist.example.org/wp-content/uploads/2024/05/map.png">'
        "Carte</a><figcaption>La carte des communes</figcaption></figure>\n"
        "<p>Deuxième paragraphe,\nsur une ligne brisée.</p>"
    )


def test_report_lists_shortcodes(imported):
    assert "[gallery] 1× in WordPress posts 101" in imported
    assert "[caption]" not in imported


# Comments --------------------------------------------------------------------


def test_comments_keep_thread_and_details(imported):
    article = Article.objects.get(wordpress_id=101)
    comments = {c.wordpress_id: c for c in Comment.objects.filter(article=article)}
    assert set(comments) == {201, 202, 203, 204, 205, 208}
    # Three deep: 201 <- 202 <- 203.
    assert comments[201].parent is None
    assert comments[202].parent == comments[201]
    assert comments[203].parent == comments[202]
    first = comments[201]
    assert first.author_name == "Kwame Mensah"
    assert first.author_email == "kwame@readers.example.net"
    assert first.author_url == "https://kwame.example.net/"
    assert first.ip_address == "192.0.2.10"
    assert first.submitted == datetime.datetime(2024, 5, 14, 14, 15, tzinfo=UTC)
    assert first.body == "Door knocking still works.\n\nOur county proved it twice."
    assert (
        first.body_html == "<p>Door knocking still works.</p>\n<p>Our county proved it twice.</p>"
    )
    second = comments[202]
    assert second.author_name == "Zoë Lindqvist"
    assert second.ip_address == "2001:db8::7"
    assert second.user_agent == "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0"
    assert comments[203].body_html == "<p>2018 and 2022, both <strong>midterms</strong>.</p>"
    # An address that is not one is left empty.
    assert comments[205].ip_address is None
    # So is a website that is not http(s): it would be a link on the page.
    assert comments[204].author_url == ""


def test_bad_website_is_reported(imported):
    assert (
        "comment 204 on post 101: website “javascript:alert(document.cookie)” is not an "
        "http(s) address, left out." in imported
    )


def test_comment_statuses(imported):
    statuses = dict(Comment.objects.values_list("wordpress_id", "status"))
    assert statuses == {
        201: "approved",
        202: "approved",
        203: "pending",
        204: "spam",
        205: "trash",
        208: "approved",
        209: "approved",  # on the page
    }


def test_pingbacks_and_trackbacks_are_skipped_and_pages_keep_their_comments(imported):
    assert not Comment.objects.filter(wordpress_id__in=[206, 207]).exists()
    assert "Comments: 7 imported, 0 updated, 0 unchanged, 2 skipped" in imported
    assert "skipped 1: pingbacks" in imported
    assert "skipped 1: trackbacks" in imported
    # The page's comment comes with it (issue 16); comments were open on WordPress.
    comment = Comment.objects.get(wordpress_id=209)
    assert comment.page.path == "about" and comment.article is None
    assert comment.page.comments_open


def test_unknown_parent_comment_is_top_level_and_reported(imported):
    comment = Comment.objects.get(wordpress_id=208)
    assert comment.parent is None
    assert (
        "comment 208 on post 101: its parent comment 999 is not in the export (or was "
        "skipped); imported as a top-level comment." in imported
    )


def test_reply_before_its_parent_in_the_file_is_threaded(db, tmp_path):
    text = SMALL.read_text()
    start = text.index("\t\t<wp:comment>\n\t\t\t<wp:comment_id>201</wp:comment_id>")
    end = text.index("\t\t<wp:comment>\n\t\t\t<wp:comment_id>202</wp:comment_id>")
    first = text[start:end]
    after_203 = text.index("\t\t<wp:comment>\n\t\t\t<wp:comment_id>204</wp:comment_id>")
    reordered = text[:start] + text[end:after_203] + first + text[after_203:]
    path = tmp_path / "reordered.xml"
    path.write_text(reordered)
    out = run_import(path)
    comments = {c.wordpress_id: c for c in Comment.objects.all()}
    assert comments[202].parent == comments[201]
    assert comments[203].parent == comments[202]
    assert "parent comment 201" not in out


# Idempotency, updates, dry run -----------------------------------------------------


def test_second_run_adds_and_changes_nothing(imported):
    before = snapshot()
    out = run_import(SMALL)
    assert snapshot() == before
    assert "Articles: 0 imported, 0 updated, 8 unchanged" in out
    assert "Comments: 0 imported, 0 updated, 7 unchanged" in out
    assert "Authors: 0 imported, 0 updated, 2 unchanged" in out
    assert "Redirects: 0 imported" in out


def test_newer_export_updates_what_changed(imported, tmp_path):
    newer = (
        SMALL.read_text()
        .replace("Why turnout beats persuasion &amp; other lessons", "Turnout wins again")
        .replace("<wp:comment_approved><![CDATA[0]]>", "<wp:comment_approved><![CDATA[1]]>")
        .replace("[CDATA[María Núñez]]", "[CDATA[María Núñez-Ortega]]")
        .replace(
            "<wp:post_name><![CDATA[awaiting-review]]></wp:post_name>\n"
            "\t\t<wp:status><![CDATA[pending]]></wp:status>",
            "<wp:post_name><![CDATA[awaiting-review]]></wp:post_name>\n"
            "\t\t<wp:status><![CDATA[publish]]></wp:status>",
        )
    )
    path = tmp_path / "newer.xml"
    path.write_text(newer)
    counts = (Article.objects.count(), Comment.objects.count(), Tag.objects.count())
    out = run_import(path)
    assert (Article.objects.count(), Comment.objects.count(), Tag.objects.count()) == counts
    assert Article.objects.get(wordpress_id=101).title == "Turnout wins again"
    assert Article.objects.get(wordpress_id=101).updated == datetime.datetime(
        2024, 5, 20, 14, 15, tzinfo=UTC
    )
    assert Article.objects.get(wordpress_id=104).status == Article.Status.PUBLISHED
    assert Comment.objects.get(wordpress_id=203).status == Comment.Status.APPROVED
    assert Author.objects.get(wordpress_login="maria").name == "María Núñez-Ortega"
    assert "Articles: 0 imported, 2 updated, 6 unchanged" in out
    assert "Comments: 0 imported, 1 updated, 6 unchanged" in out
    assert "Authors: 0 imported, 1 updated, 1 unchanged" in out


def test_page_cache_is_invalidated_when_only_comments_change(imported, tmp_path, monkeypatch):
    import pagecache

    calls = []
    monkeypatch.setattr(pagecache, "invalidate_all", lambda: calls.append("all"))
    monkeypatch.setattr(pagecache, "invalidate", lambda *scopes, pages=(): calls.append(pages))
    run_import(SMALL)
    assert calls == []  # nothing changed
    path = tmp_path / "newer.xml"
    path.write_text(SMALL.read_text().replace("Twice? Which years?", "Twice? Which two years?"))
    out = run_import(path)
    assert "Comments: 0 imported, 1 updated, 6 unchanged" in out
    # Only the page of the article whose comment changed, and the lists.
    changed = Comment.objects.get(body__contains="Which two years?").article
    assert calls == [[changed.get_absolute_url()]]


def test_dry_run_writes_nothing_and_reports_the_same_counts(db):
    out = run_import(SMALL, "--dry-run")
    assert Article.objects.count() == 0
    assert Comment.objects.count() == 0
    assert Author.objects.count() == 0
    assert Tag.objects.count() == 0
    assert LegacyRedirect.objects.count() == 0
    assert out.startswith("Read ") and "Dry run (WXR 1.2): nothing was written." in out
    real = run_import(SMALL)
    report_lines = [line for line in out.splitlines() if line.startswith("  ")]
    real_lines = [line for line in real.splitlines() if line.startswith("  ")]
    assert report_lines[:-1] == real_lines[:-1]  # all but the time taken


def test_failure_midway_leaves_the_site_as_it_was(db, monkeypatch):
    from wordpress import importer

    calls = []

    def fail_on_third_post(self, post):
        calls.append(post.post_id)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(self, post)

    original = importer.WordPressImporter.import_post
    monkeypatch.setattr(importer.WordPressImporter, "import_post", fail_on_third_post)
    with pytest.raises(RuntimeError):
        run_import(SMALL)
    assert calls == [101, 102, 103]
    assert snapshot()["articles"] == []
    assert not Comment.objects.exists() and not Tag.objects.exists()
    assert not Author.objects.exists() and not LegacyRedirect.objects.exists()


# Progress --------------------------------------------------------------------------


def test_progress_lines_when_not_a_terminal(db):
    out = run_import(SMALL)
    progress = [line for line in out.splitlines() if line.startswith("Read ")]
    assert progress[-1] == "Read 100% of the file: 8 articles, 7 comments"
    assert "\r" not in out


def test_progress_bar_on_a_terminal(db):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command("import_wordpress", str(SMALL), stdout=out)
    text = out.getvalue()
    assert "\r[" in text
    assert "\r[##############################] 100%  8 articles, 7 comments\n" in text
    assert "Read " not in text


# Other WXR versions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("wp", "excerpt"),
    [
        ("http://wordpress.org/export/1.0/", "http://wordpress.org/export/1.0/excerpt/"),
        ("http://wordpress.org/export/1.1/", "http://wordpress.org/export/1.1/excerpt/"),
        ("https://wordpress.org/export/1.2/", "https://wordpress.org/export/1.2/excerpt/"),
    ],
)
def test_every_wxr_namespace_is_read(db, tmp_path, wp, excerpt):
    text = (
        SMALL.read_text()
        .replace('xmlns:wp="http://wordpress.org/export/1.2/"', f'xmlns:wp="{wp}"')
        .replace(
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"', f'xmlns:excerpt="{excerpt}"'
        )
    )
    path = tmp_path / "variant.xml"
    path.write_text(text)
    run_import(path)
    assert Article.objects.count() == 8
    assert Comment.objects.count() == 7  # one on the page
    assert Article.objects.get(wordpress_id=101).dek.startswith("Turnout, not persuasion")


def test_wxr_1_0_without_author_list_makes_authors_from_posts(db, tmp_path):
    text = SMALL.read_text()
    start = text.index("\t<wp:author>")
    end = text.index("\t<wp:category>")
    path = tmp_path / "no-authors.xml"
    path.write_text(text[:start] + text[end:])
    out = run_import(path)
    assert set(Author.objects.values_list("wordpress_login", flat=True)) == {
        "maria",
        "tom",
        "ghost",
    }
    assert "is not among the export's authors" not in out


# Bad input ---------------------------------------------------------------------------


def assert_refused(path, *messages):
    from django.core.management import ManagementUtility

    with pytest.raises(CommandError) as caught:
        run_import(path)
    for message in messages:
        assert message in str(caught.value)
    assert str(caught.value).endswith("Nothing was imported.")
    assert not Article.objects.exists()
    assert not Author.objects.exists()
    assert not Tag.objects.exists()
    assert not Comment.objects.exists()
    assert not LegacyRedirect.objects.exists()
    # From the shell: the message on stderr and a non-zero exit status.
    stderr = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(stderr), pytest.raises(SystemExit) as exit_status:
        ManagementUtility(["manage.py", "import_wordpress", str(path)]).execute()
    assert exit_status.value.code != 0
    assert messages[0] in stderr.getvalue()
    return str(caught.value)


def test_not_xml(db):
    assert_refused(
        FIXTURES / "not-xml.xml", "not-xml.xml is not valid XML: syntax error at line 1, column 0"
    )


def test_not_wxr_rss_feed(db):
    assert_refused(
        FIXTURES / "not-wxr.xml",
        "not-wxr.xml is an RSS feed but not a WordPress export (WXR): the <rss> element on "
        "line 2 declares no WordPress namespace",
    )


def test_not_wxr_other_root(db):
    assert_refused(
        FIXTURES / "not-rss.xml",
        "not-rss.xml is not a WordPress export (WXR): its root element on line 3 is <html>",
    )


def test_truncated(db):
    message = assert_refused(FIXTURES / "truncated.xml", "truncated.xml ends too early at line 241")
    assert "the file is truncated" in message


def test_broken_encoding(db):
    assert_refused(
        FIXTURES / "bad-encoding.xml",
        "bad-encoding.xml has broken encoding on line 41: byte 0xf1 at column 2 is not valid UTF-8",
    )


def test_entities_are_refused(db, tmp_path):
    path = tmp_path / "entities.xml"
    path.write_text(
        SMALL.read_text().replace(
            '<?xml version="1.0" encoding="UTF-8" ?>',
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            '<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>',
        )
    )
    assert_refused(path, "entities.xml declares XML entities or external references")


def test_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run_import(tmp_path / "missing.xml")


def test_empty_file(db, tmp_path):
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="empty.xml is empty"):
        run_import(path)

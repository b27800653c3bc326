"""
Each WordPress site is its own (issue 16, part 4): IDs are scoped by the
export's site, another site's export only adds, a newer export of the same
site updates, and what was changed here since the import is kept.
"""

import pytest

from comments.models import Comment
from posts.models import Article
from wordpress.models import LegacyRedirect, WordPressItem, WordPressSite

from .wxr_builder import comment, export, item, run_import

A = "https://seed.example.org"
B = "https://blocks.example.org"


@pytest.fixture
def site_timezone(settings):
    settings.TIME_ZONE = "UTC"
    settings.ALLOWED_HOSTS = ["testserver", "seed.example.org", "blocks.example.org"]


def site_a(tmp_path, *, title="Paragraph", approved="0", pub_date="", extra=()):
    return export(
        tmp_path,
        f"a-{title}-{approved}-{pub_date[:16]}",
        A,
        [
            item(
                10,
                title,
                site=A,
                slug="paragraph",
                content="The seed's paragraph.",
                comments=comment(1, "First!", approved="1")
                + comment(2, "Held for review.", approved=approved),
            ),
            *extra,
        ],
        pub_date=pub_date,
    )


def site_b(tmp_path):
    return export(
        tmp_path,
        "b",
        B,
        [
            item(
                10,
                "Search",
                site=B,
                slug="search",
                date="2024-05-20 12:00:00",
                content="The block test data's search post.",
                comments=comment(1, "Another site's first comment."),
            )
        ],
    )


def test_another_sites_export_only_adds(db, site_timezone, tmp_path):
    run_import(site_a(tmp_path))
    paragraph = Article.objects.get(title="Paragraph")
    out = run_import(site_b(tmp_path))
    assert "Articles: 1 imported, 0 updated, 0 unchanged" in out
    assert f"From the WordPress site {B.removeprefix('https://')}" in out
    paragraph.refresh_from_db()
    assert paragraph.title == "Paragraph" and paragraph.body_html.count("seed's paragraph")
    search = Article.objects.get(title="Search")
    assert search.pk != paragraph.pk and search.wordpress_id == paragraph.wordpress_id == 10
    assert paragraph.comments.count() == 2 and search.comments.count() == 1
    assert Comment.objects.get(article=search).body == "Another site's first comment."
    # Re-running both flips nothing back and forth.
    before = list(Article.objects.order_by("pk").values_list("pk", "title", "slug"))
    out_a = run_import(site_a(tmp_path))
    out_b = run_import(site_b(tmp_path))
    assert "Articles: 0 imported, 0 updated, 1 unchanged" in out_a
    assert "Articles: 0 imported, 0 updated, 1 unchanged" in out_b
    assert "Comments: 0 imported, 0 updated, 2 unchanged" in out_a
    assert list(Article.objects.order_by("pk").values_list("pk", "title", "slug")) == before
    assert WordPressSite.objects.count() == 2


def test_each_sites_old_addresses_lead_to_its_own_article(db, site_timezone, tmp_path, client):
    run_import(site_a(tmp_path))
    run_import(site_b(tmp_path))
    paragraph, search = Article.objects.get(title="Paragraph"), Article.objects.get(title="Search")
    assert client.get("/2024/05/14/paragraph/")["Location"] == paragraph.get_absolute_url()
    assert client.get("/2024/05/20/search/")["Location"] == search.get_absolute_url()
    # ?p=10 names a post on both sites: the request's host picks the site, else the first.
    response = client.get("/?p=10", HTTP_HOST="blocks.example.org")
    assert response.status_code == 301 and response["Location"] == search.get_absolute_url()
    response = client.get("/?p=10", HTTP_HOST="seed.example.org")
    assert response["Location"] == paragraph.get_absolute_url()
    assert client.get("/?p=10")["Location"] == paragraph.get_absolute_url()


def test_old_address_answered_by_an_existing_article_is_named(db, site_timezone, tmp_path, client):
    run_import(site_a(tmp_path))
    paragraph = Article.objects.get(title="Paragraph")
    # Site B's "Paragraph" has the same slug in the same month: /2024/05/paragraph/ is ours.
    other = export(
        tmp_path,
        "b-paragraph",
        B,
        [
            item(
                33,
                "Paragraph",
                site=B,
                slug="paragraph",
                date="2024-05-21 09:00:00",
                link=f"{B}/2024/05/paragraph/",
            )
        ],
    )
    out = run_import(other)
    imported = Article.objects.get(wordpress_id=33)
    assert imported.slug == "paragraph-2"
    assert "Old addresses this site already answers with something else (2;" in out
    assert (
        f"/2024/05/paragraph/ (post 33 “Paragraph”) is the address of the article “Paragraph”; "
        f"post 33 “Paragraph” is at {imported.get_absolute_url()}" in out
    )
    # The existing article keeps its address; the imported one's other old links lead to it.
    assert client.get(paragraph.get_absolute_url()).status_code == 200
    assert client.get("/2024/05/21/paragraph/")["Location"] == imported.get_absolute_url()
    assert client.get("/?p=33")["Location"] == imported.get_absolute_url()
    # /paragraph/ already led to site A's article: kept, and named.
    assert LegacyRedirect.objects.get(old_path="/paragraph/").article == paragraph
    assert "/paragraph/ (post 33 “Paragraph”) already leads to “Paragraph”" in out


def test_newer_export_of_the_same_site_updates(db, site_timezone, tmp_path):
    run_import(site_a(tmp_path, pub_date="Mon, 01 Jul 2024 10:00:00 +0000"))
    out = run_import(
        site_a(
            tmp_path, title="Paragraphs", approved="1", pub_date="Tue, 02 Jul 2024 10:00:00 +0000"
        )
    )
    assert "Articles: 0 imported, 1 updated, 0 unchanged" in out
    assert "Comments: 0 imported, 1 updated, 1 unchanged" in out
    assert Article.objects.get().title == "Paragraphs"
    assert Comment.objects.get(wordpress_id=2).status == Comment.Status.APPROVED


def test_older_export_of_the_same_site_changes_nothing_but_adds(db, site_timezone, tmp_path):
    newer = site_a(tmp_path, approved="1", pub_date="Tue, 02 Jul 2024 10:00:00 +0000")
    run_import(newer)
    assert Comment.objects.get(wordpress_id=2).status == Comment.Status.APPROVED
    older = site_a(
        tmp_path,
        title="Paragraph (draft title)",
        approved="0",
        pub_date="Mon, 01 Jul 2024 10:00:00 +0000",
        extra=[item(11, "Only in the old export", site=A, date="2024-04-01 08:00:00")],
    )
    out = run_import(older)
    # The approved comments stay approved; the article keeps the newer title.
    assert Comment.objects.get(wordpress_id=2).status == Comment.Status.APPROVED
    assert Article.objects.get(wordpress_id=10).title == "Paragraph"
    assert Article.objects.filter(title="Only in the old export").exists()
    assert "before the one imported last from this site" in out
    assert "Articles: 1 imported, 0 updated, 1 unchanged" in out
    # --overwrite lets it change them.
    run_import(older, "--overwrite")
    assert Comment.objects.get(wordpress_id=2).status == Comment.Status.PENDING


def test_changes_made_here_are_kept_and_reported(db, site_timezone, tmp_path):
    run_import(site_a(tmp_path))
    article = Article.objects.get(wordpress_id=10)
    article.body = "<p>Corrected here by an editor.</p>"
    article.save()
    held = Comment.objects.get(wordpress_id=2)
    held.status = Comment.Status.APPROVED  # a moderator's decision
    held.save()
    # A newer export (no <pubDate>) renames the post and holds the comment again.
    out = run_import(site_a(tmp_path, title="Paragraph, renamed"))
    article.refresh_from_db()
    assert article.title == "Paragraph" and "Corrected here" in article.body
    assert Comment.objects.get(wordpress_id=2).status == Comment.Status.APPROVED
    assert "Articles: 0 imported, 0 updated, 0 unchanged, 1 kept" in out
    assert "Comments: 0 imported, 0 updated, 1 unchanged, 1 kept" in out
    assert "Changed here since they were imported, kept as they are (2;" in out
    assert "post 10 “Paragraph, renamed” (now “Paragraph”" in out
    assert "comment 2 on post 10 (approved here)" in out
    # --overwrite forces the export's version.
    out = run_import(site_a(tmp_path, title="Paragraph, renamed"), "--overwrite")
    article.refresh_from_db()
    assert article.title == "Paragraph, renamed" and "Corrected here" not in article.body
    assert Comment.objects.get(wordpress_id=2).status == Comment.Status.PENDING
    # Afterwards the import's version is the known one again: no more "kept".
    out = run_import(site_a(tmp_path, title="Paragraph, renamed"))
    assert "kept" not in out.split("Took")[0].lower()


def test_items_imported_before_sites_were_told_apart_are_adopted(db, site_timezone, tmp_path):
    run_import(site_a(tmp_path))
    # As migration wordpress 0003 leaves them: one site with no address.
    WordPressSite.objects.update(base_url="")
    out = run_import(site_a(tmp_path))
    assert "Articles: 0 imported, 0 updated, 1 unchanged" in out
    assert list(WordPressSite.objects.values_list("base_url", flat=True)) == ["seed.example.org"]
    assert WordPressItem.objects.count() == 1


def test_dry_run_of_another_site_writes_nothing(db, site_timezone, tmp_path):
    run_import(site_a(tmp_path))
    out = run_import(site_b(tmp_path), "--dry-run")
    assert "Articles: 1 imported" in out
    assert WordPressSite.objects.count() == 1 and Article.objects.count() == 1


def test_sites_and_items_are_listed_in_the_admin(db, site_timezone, tmp_path, admin_client):
    run_import(site_a(tmp_path))
    response = admin_client.get("/admin/wordpress/wordpresssite/")
    assert response.status_code == 200 and b"seed.example.org" in response.content
    response = admin_client.get("/admin/wordpress/wordpressitem/?q=10")
    assert response.status_code == 200 and b"Paragraph" in response.content
    response = admin_client.get("/admin/wordpress/legacyredirect/")
    assert response.status_code == 200


def test_the_migration_gives_earlier_imports_a_site_without_address(db, site_timezone, tmp_path):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("wordpress.migrations.0003_site_scope")
    run_import(site_a(tmp_path))
    WordPressItem.objects.all().delete()
    WordPressSite.objects.all().delete()  # as before the migration: only Article.wordpress_id
    migration.items_of_the_first_site(apps, None)
    site = WordPressSite.objects.get()
    assert site.base_url == ""
    assert list(site.items.values_list("wordpress_id", "kind")) == [(10, "post")]
    # The next import of that site adopts it: nothing is imported twice.
    out = run_import(site_a(tmp_path))
    assert "Articles: 0 imported, 0 updated, 1 unchanged" in out
    assert Article.objects.count() == 1

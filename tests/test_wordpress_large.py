"""
A generated export with 50,000 comments imports in bounded memory.

The file (about 30 MB) is written into tmp_path a line at a time. Peak memory
is measured with tracemalloc around the import; a parsed tree of the file
alone would take several times the file's size, the streaming import stays
at a few megabytes whatever the size. Kept under a minute on SQLite and
PostgreSQL (comments are written with bulk_create in batches) so CI runs it.
"""

import io
import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from comments.models import Comment
from posts.models import Article

POSTS = 100
COMMENTS_PER_POST = 500
HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated</title>
<link>https://big.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>editor</wp:author_login><wp:author_email>editor@big.example.org</wp:author_email><wp:author_display_name><![CDATA[The Editor]]></wp:author_display_name></wp:author>
<wp:category><wp:category_nicename>campaigns</wp:category_nicename><wp:cat_name><![CDATA[Campaigns]]></wp:cat_name></wp:category>
"""
POST = """<item>
<title>Dispatch number {n}</title>
<link>https://big.example.org/2023/{month:02d}/{day:02d}/dispatch-{n}/</link>
<dc:creator><![CDATA[editor]]></dc:creator>
<content:encoded><![CDATA[Dispatch {n} opens with a paragraph about field offices.

It closes with one about turnout in county {n}.]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id>
<wp:post_date>2023-{month:02d}-{day:02d} 09:00:00</wp:post_date>
<wp:post_date_gmt>2023-{month:02d}-{day:02d} 14:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status>
<wp:post_name>dispatch-{n}</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category" nicename="campaigns"><![CDATA[Campaigns]]></category>
"""
COMMENT = """<wp:comment>
<wp:comment_id>{id}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {id}]]></wp:comment_author>
<wp:comment_author_email>reader{id}@readers.example.net</wp:comment_author_email>
<wp:comment_author_url></wp:comment_author_url>
<wp:comment_author_IP>192.0.2.{ip}</wp:comment_author_IP>
<wp:comment_date>2023-{month:02d}-{day:02d} 10:00:00</wp:comment_date>
<wp:comment_date_gmt>2023-{month:02d}-{day:02d} 15:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Comment {id}: our precinct saw the same thing, and the canvassers said so.

Second paragraph of comment {id}, about the phone banks and the weather.]]></wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved>
<wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent>
</wp:comment>
"""


def write_export(path: Path, posts: int, comments_per_post: int) -> None:
    """Write the export a post and a comment at a time; every fifth comment is a reply."""
    with path.open("w", encoding="utf-8") as file:
        file.write(HEADER)
        comment_id = 1_000_000
        for n in range(1, posts + 1):
            month, day = n % 12 + 1, n % 28 + 1
            file.write(POST.format(n=n, month=month, day=day))
            for i in range(comments_per_post):
                comment_id += 1
                file.write(
                    COMMENT.format(
                        id=comment_id,
                        ip=comment_id % 250 + 1,
                        month=month,
                        day=day,
                        approved="1" if i % 10 else "0",
                        parent=comment_id - 1 if i % 5 == 4 else 0,
                    )
                )
            file.write("</item>\n")
        file.write("</channel>\n</rss>\n")


@pytest.mark.slow
@pytest.mark.django_db
def test_fifty_thousand_comments_import_in_bounded_memory(tmp_path, settings):
    settings.TIME_ZONE = "America/New_York"
    path = tmp_path / "large.xml"
    write_export(path, POSTS, COMMENTS_PER_POST)
    size = path.stat().st_size

    tracemalloc.start()
    started = time.monotonic()
    try:
        call_command("import_wordpress", str(path), stdout=io.StringIO())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    seconds = time.monotonic() - started

    assert Article.objects.count() == POSTS
    assert Comment.objects.count() == POSTS * COMMENTS_PER_POST == 50_000
    counts = Article.objects.annotate(n=Count("comments")).values_list("n", flat=True)
    assert set(counts) == {COMMENTS_PER_POST}
    assert Comment.objects.filter(parent__isnull=False).count() == 10_000
    assert Comment.objects.approved().count() == 45_000
    reply = Comment.objects.select_related("parent").get(wordpress_id=1_000_005)
    assert reply.parent.wordpress_id == 1_000_004

    print(
        f"\n{size / 1e6:.1f} MB export, 50,000 comments: {seconds:.1f} s, peak {peak / 1e6:.1f} MB"
    )
    # A parsed tree of the whole file alone would take several times its size.
    assert size > 30_000_000
    assert peak < 25_000_000

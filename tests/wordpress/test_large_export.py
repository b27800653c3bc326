"""
A generated export with 50,000 comments imports in bounded memory.

The file (about 33 MB) is written into tmp_path a line at a time and imported
by ``manage.py import_wordpress`` in a child process, which reports its peak
resident memory (VmHWM; Linux). The same is done for a one-post export first: the
difference is what the 50,000 comments cost. A parsed tree of the whole file
would take several times its size; the streaming import grows by a few
megabytes. Comments are written with bulk_create in batches, so the test runs
in well under a minute on an idle machine, on SQLite and PostgreSQL, and CI
runs it (marked slow so it can be deselected locally with -m "not slow").
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

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
<wp:author>
<wp:author_login>editor</wp:author_login>
<wp:author_email>editor@big.example.org</wp:author_email>
<wp:author_display_name><![CDATA[The Editor]]></wp:author_display_name>
</wp:author>
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
<wp:comment_content><![CDATA[Comment {id}: same in our precinct.]]></wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved>
<wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent>
</wp:comment>
"""


def write_export(
    path: Path, posts: int, comments_per_post: int, first_post: int = 1, first_comment: int = 1
) -> None:
    """Write the export a post and a comment at a time; every fifth comment is a reply."""
    with path.open("w", encoding="utf-8") as file:
        file.write(HEADER)
        comment_id = first_comment - 1
        for n in range(first_post, first_post + posts):
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


# Run in the child: import, then report time, peak memory and what was written.
CHILD = """
import json, sys, time, django
django.setup()
from django.core.management import call_command
from django.db.models import Count
from comments.models import Comment
from posts.models import Article
if sys.argv[1] == "migrate":
    call_command("migrate", verbosity=0)
    sys.exit()
started, cpu_started = time.monotonic(), time.process_time()
call_command("import_wordpress", sys.argv[1], stdout=open("/dev/null", "w"))
seconds, cpu_seconds = time.monotonic() - started, time.process_time() - cpu_started
# VmHWM: the peak of this program; ru_maxrss would include the forked parent's.
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_kb": peak_kb}))
"""


def database_url(tmp_path) -> str:
    """The test database for the child: PostgreSQL's test database, or an SQLite file."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    return f"sqlite:///{tmp_path / 'child.sqlite3'}"


def run_child(argument: str, url: str) -> dict | None:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "strategist.settings",
        # As in production: DEBUG off, so Django keeps no log of the queries.
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret-key-for-the-import-child-process",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHILD, argument],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else None


@pytest.mark.slow
@pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="peak memory is read from Linux's /proc"
)
@pytest.mark.django_db(transaction=True)
def test_fifty_thousand_comments_import_in_bounded_memory(tmp_path):
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    write_export(small, 1, 10, first_post=10_000, first_comment=9_000_000)
    write_export(large, POSTS, COMMENTS_PER_POST, first_comment=1_000_000)
    size = large.stat().st_size
    url = database_url(tmp_path)

    if connection.vendor == "sqlite":
        run_child("migrate", url)
    baseline = run_child(str(small), url)
    measured = run_child(str(large), url)
    growth_mb = (measured["peak_kb"] - baseline["peak_kb"]) / 1024

    if connection.vendor == "postgresql":
        # The child committed into the test database (emptied after this test).
        assert Article.objects.filter(wordpress_id__lte=POSTS).count() == POSTS
        comments = Comment.objects.filter(wordpress_id__lt=9_000_000)
        assert comments.count() == 50_000
        assert comments.filter(parent__isnull=False).count() == 10_000
        assert comments.approved().count() == 45_000
        reply = comments.select_related("parent").get(wordpress_id=1_000_004)
        assert reply.parent.wordpress_id == 1_000_003
    else:
        import sqlite3

        with sqlite3.connect(tmp_path / "child.sqlite3") as child_db:
            query = child_db.execute
            assert query("SELECT COUNT(*) FROM posts_article").fetchone() == (POSTS + 1,)
            assert query(
                "SELECT COUNT(*) FROM comments_comment WHERE wordpress_id < 9000000"
            ).fetchone() == (50_000,)
            assert query(
                "SELECT COUNT(*) FROM comments_comment c JOIN comments_comment p "
                "ON c.parent_id = p.id WHERE c.wordpress_id = p.wordpress_id + 1 "
                "AND c.wordpress_id < 9000000"
            ).fetchone() == (10_000,)
            assert query(
                "SELECT COUNT(*) FROM comments_comment WHERE status = 'approved' "
                "AND wordpress_id < 9000000"
            ).fetchone() == (45_000,)

    line = (
        f"{size / 1e6:.1f} MB export, 50,000 comments on {connection.vendor}: "
        f"{measured['seconds']:.1f} s ({measured['cpu_seconds']:.1f} s of CPU), "
        f"peak memory {measured['peak_kb'] / 1024:.0f} MB "
        f"({growth_mb:+.1f} MB over a one-post import)"
    )
    print("\n" + line)
    assert size > 20_000_000
    # Flat: the 50,000 comments add less than a tenth of the file's size.
    assert growth_mb < 20, line
